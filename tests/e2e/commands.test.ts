import { describe, expect, it } from 'vitest';
import { COMMAND_CONTRACT } from '../command-contract.js';
import { useBotWorld } from './harness.js';

const w = useBotWorld();


describe('slash commands end to end', () => {
  it('registers every command of the contract, with its options, to the guild', () => {
    const registered = w.fake.commands(w.guildId);
    for (const [name, options] of Object.entries(COMMAND_CONTRACT)) {
      const command = registered.find((c) => c.name === name);
      expect(command, name).toBeDefined();
      expect((command!.options ?? []).map((o) => o.name), name).toEqual(expect.arrayContaining(options));
    }
    // Members use these on their own tickets (the check is in the command): /ticket_transcript sends theirs by DM.
    const staffOnly = registered.filter((c) => !['close_ticket', 'ticket_info', 'ticket_transcript'].includes(c.name));
    for (const command of staffOnly) expect(command.default_member_permissions, command.name).not.toBeNull();
  });

  it('refuses /train to a member without the staff role, and stores nothing', async () => {
    const before = w.core.training.count(w.guildId);
    const handle = await w.fake.invokeSlashCommand({
      guildId: w.guildId,
      channelId: w.generalId,
      userId: w.memberId,
      name: 'train',
      options: { question: 'q?', answer: 'a' },
      overrideCommandPermissions: true,
    });
    const reply = await handle.waitForResponse();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/Only staff/);
    expect(w.core.training.count(w.guildId)).toBe(before);
  });

  it('lets staff train the bot', async () => {
    const reply = await (await w.command('train', { question: 'How do I whitelist?', answer: 'Ask in #whitelist.', category: 'Access' }, { userId: w.staffId })).waitForResponse();
    expect(reply.ephemeral).toBe(true);
    expect(JSON.stringify(reply.embeds)).toContain('Ask in #whitelist.');
    expect(w.core.training.list(w.guildId, { category: 'access' }).total).toBe(1);
  });

  it('/export_training returns a JSON file of this server’s training', async () => {
    const handle = await w.command('export_training');
    const reply = await handle.waitForResponse();
    expect(reply.files).toHaveLength(1);
    const doc = JSON.parse(reply.files[0]!.data.toString('utf8')) as { format: string; entries: { question: string }[] };
    expect(doc.format).toBe('discord-ai-ticket-bot/training');
    expect(doc.entries.map((e) => e.question)).toContain('How do I whitelist?');
  });

  it('/kb_import reads an attached JSON file into a knowledge base, and refuses a broken one without changes', async () => {
    const file = {
      format: 'discord-ai-ticket-bot/knowledge-base',
      version: 1,
      knowledgeBase: {
        name: 'Game FAQ',
        description: 'Common questions',
        entries: [
          { title: 'Server address', content: 'Connect to play.example.net on port 25565.', tags: ['connect'] },
          { title: 'Reset password', content: 'Use the launcher’s “Forgot password” link.', tags: [] },
        ],
      },
    };
    const ok = await (await w.command('kb_import', {}, { attachments: { file: { filename: 'faq.json', data: JSON.stringify(file), contentType: 'application/json' } } })).waitForResponse();
    expect(ok.content + JSON.stringify(ok.embeds)).toMatch(/2 added/);
    const kb = w.core.knowledge.findByName(w.guildId, 'Game FAQ');
    expect(kb?.entryCount).toBe(2);

    const broken = await (await w.command('kb_import', { kb: 'Game FAQ' }, { attachments: { file: { filename: 'bad.json', data: '{"format": nope', contentType: 'application/json' } } })).waitForResponse();
    expect(broken.content + JSON.stringify(broken.embeds)).toMatch(/not valid JSON/);
    expect(w.core.knowledge.findByName(w.guildId, 'Game FAQ')?.entryCount).toBe(2);
  });
});
