import { describe, expect, it } from 'vitest';
import type { Answer } from '../../src/core/responder.js';
import { testAiEmbed } from '../../src/discord/commands/system.js';
import { formatDuration } from '../../src/discord/render/duration.js';

const thresholds = { trainedAnswer: 0.85, trainingContext: 0.7 };

function embedLength(json: ReturnType<ReturnType<typeof testAiEmbed>['toJSON']>): number {
  return (
    (json.title?.length ?? 0) +
    (json.description?.length ?? 0) +
    (json.footer?.text.length ?? 0) +
    (json.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0)
  );
}

describe('formatDuration', () => {
  it('shows the two largest units', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(12_000)).toBe('12s');
    expect(formatDuration((5 * 60 + 12) * 1000)).toBe('5m 12s');
    expect(formatDuration(((3 * 24 + 4) * 60 + 5) * 60_000)).toBe('3d 4h');
    expect(formatDuration(3 * 3600_000 + 7_000)).toBe('3h');
  });
});

describe('testAiEmbed', () => {
  it('explains a trained answer: source, score against the thresholds, the entry', () => {
    const answer: Answer = {
      text: 'Go to Settings → Billing.',
      source: { kind: 'trained', trainingEntryId: 12, score: 0.93 },
      score: 0.93,
      trainingEntries: [{ entryId: 12, question: 'How do I change my card?', answer: 'Go to Settings → Billing.', category: 'billing', score: 0.93 }],
      kbEntries: [],
    };
    const json = testAiEmbed('how to change card', answer, thresholds).toJSON();
    expect(json.description).toBe('Go to Settings → Billing.');
    const fields = Object.fromEntries((json.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields.Source).toContain('Trained answer** #12');
    expect(fields['Best trained score']).toBe('0.93 (used as is at ≥ 0.85; given to the AI as context at ≥ 0.7)');
    expect(fields['Trained entries considered']).toContain('#12 · 0.93 · How do I change my card?');
    expect(fields['Knowledge-base entries considered']).toBe('none close enough');
  });

  it('keeps a long AI answer and many entries within every embed limit', () => {
    const answer: Answer = {
      text: 'word '.repeat(2000),
      source: { kind: 'ai', model: 'llama3', trainingEntryIds: [], kbEntryIds: [], complete: false },
      score: 0.4,
      trainingEntries: [],
      kbEntries: Array.from({ length: 40 }, (_, i) => ({ entryId: i + 1, kbName: 'Billing', title: 't'.repeat(150), content: 'c', score: 0.5 })),
    };
    const json = testAiEmbed('m'.repeat(2000), answer, thresholds).toJSON();
    expect(json.description!.length).toBeLessThanOrEqual(4096);
    for (const f of json.fields ?? []) expect(f.value.length).toBeLessThanOrEqual(1024);
    expect(embedLength(json)).toBeLessThanOrEqual(6000);
    const source = json.fields!.find((f) => f.name === 'Source')!.value;
    expect(source).toContain('cut off');
  });

  it('shows the closest trained entries, marked unused, when none was close enough', () => {
    const answer: Answer = { text: 'x', source: { kind: 'fallback', reason: 'down' }, score: 0.45, trainingEntries: [], kbEntries: [] };
    const closest = [{ entryId: 7, question: 'How do I reset my password?', answer: 'a', category: 'general', score: 0.45 }];
    const field = testAiEmbed('reset pw', answer, thresholds, closest).toJSON().fields!.find((f) => f.name === 'Trained entries considered')!.value;
    expect(field).toBe('none close enough; the closest (not used):\n#7 · 0.45 · How do I reset my password?');
  });

  it('names the reason of a fallback', () => {
    const answer: Answer = {
      text: 'A staff member will follow up.',
      source: { kind: 'fallback', reason: 'down' },
      score: 0,
      trainingEntries: [],
      kbEntries: [],
    };
    const source = testAiEmbed('hi', answer, thresholds).toJSON().fields!.find((f) => f.name === 'Source')!.value;
    expect(source).toContain('Ollama is not reachable');
  });
});
