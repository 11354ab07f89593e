import { describe, expect, it } from 'vitest';
import { handbook, HANDBOOK_TITLE } from '../core/knowledge/long-entry.js';
import { useBotWorldStarter, type BotWorld } from './harness.js';

/** /status as staff see it, with OLLAMA_EMBED_MODEL set, through the fake Ollama's /api/show. */
const startWorld = useBotWorldStarter();

async function semanticField(world: BotWorld): Promise<string> {
  const reply = await (await world.command('status')).waitForResponse();
  return reply.embeds[0]!.fields!.find((f) => f.name === 'Semantic search')?.value ?? '(no Semantic search field)';
}

describe('/status: the embedding model', () => {
  it('shows the embedding model ready with its context, and how many of this server\'s entries wait for a vector', async () => {
    const w = await startWorld({ OLLAMA_EMBED_MODEL: 'nomic-embed-text' });
    w.ollama.models.push('nomic-embed-text');
    await w.setup();
    const kb = w.core.knowledge.create(w.guildId, { name: 'Guides' });
    w.core.knowledge.addEntry(w.guildId, kb.id, { title: 'Router', content: 'Hold the reset button for ten seconds.' });
    w.core.knowledge.addEntry(w.guildId, kb.id, { title: HANDBOOK_TITLE, content: handbook() }); // one entry, however many parts
    w.core.knowledge.addEntry('999999999999999999', w.core.knowledge.create('999999999999999999', { name: 'Other' }).id, { title: 'Other', content: 'Not ours.' });
    const field = await semanticField(w);
    expect(field).toContain('✅ Embedding model `nomic-embed-text` is ready (texts fitted to 2048 tokens; long knowledge entries embedded in parts)');
    expect(field).toContain('Entries of this server waiting to be embedded: 2');
  });

  it('says the embedding model is not pulled, with the command that pulls it', async () => {
    const w = await startWorld({ OLLAMA_EMBED_MODEL: 'nomic-embed-text' });
    await w.setup();
    expect(await semanticField(w)).toContain('❌ Embedding model `nomic-embed-text` is not pulled: run `ollama pull nomic-embed-text`');
  });

  it('says a chat model set as OLLAMA_EMBED_MODEL is not an embedding model', async () => {
    const w = await startWorld({ OLLAMA_EMBED_MODEL: 'llama3' });
    await w.setup();
    expect(await semanticField(w)).toContain('❌ `llama3` is not an embedding model: set OLLAMA_EMBED_MODEL to one');
  });

  it('says semantic search is off without OLLAMA_EMBED_MODEL', async () => {
    const w = await startWorld();
    await w.setup();
    expect(await semanticField(w)).toContain('Off (no OLLAMA_EMBED_MODEL)');
  });
});
