import { ApplicationCommandOptionType, PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { knowledgeCommands } from '../../src/discord/commands/knowledge.js';
import { systemCommands } from '../../src/discord/commands/system.js';
import { trainingCommands } from '../../src/discord/commands/training.js';

/** Issue 3's command table: names and options are a contract with the servers that use the bot. */
const CONTRACT: Record<string, string[]> = {
  train: ['question', 'answer', 'category', 'tags'],
  training_list: ['category', 'page'],
  training_delete: ['id'],
  training_stats: [],
  kb_create: ['name', 'description'],
  kb_add: ['kb', 'title', 'content', 'tags'],
  kb_list: [],
  kb_view: ['kb', 'page'],
  kb_search: ['query', 'kb'],
  kb_export: ['kb'],
  kb_import: ['file', 'kb'],
  kb_delete: ['kb'],
  status: [],
  test_ai: ['message'],
  export_training: [],
  import_training: ['file'],
};

const commands = [...trainingCommands, ...knowledgeCommands, ...systemCommands];

describe('staff command definitions', () => {
  it('are exactly the commands of the contract, with its option names in order', () => {
    const defined = Object.fromEntries(commands.map((c) => [c.data.name, (c.data.toJSON().options ?? []).map((o) => o.name)]));
    expect(defined).toEqual(CONTRACT);
  });

  it('are hidden from members by default and checked as staff-only in the handler', () => {
    for (const command of commands) {
      expect(command.access, command.data.name).toBe('staff');
      expect(command.data.toJSON().default_member_permissions, command.data.name).toBe(String(PermissionFlagsBits.ManageMessages));
      expect(command.ephemeral, command.data.name).not.toBe(false);
    }
  });

  it('mark the options the table calls required, and autocomplete the ids', () => {
    const json = Object.fromEntries(commands.map((c) => [c.data.name, c.data.toJSON()]));
    const option = (cmd: string, name: string) => json[cmd]!.options!.find((o) => o.name === name) as unknown as Record<string, unknown>;
    expect(option('train', 'question').required).toBe(true);
    expect(option('train', 'answer').required).toBe(true);
    expect(option('train', 'category').required).toBeFalsy();
    expect(option('training_delete', 'id')).toMatchObject({ type: ApplicationCommandOptionType.Integer, autocomplete: true, required: true });
    expect(option('kb_search', 'kb')).toMatchObject({ autocomplete: true });
    expect(option('kb_search', 'kb').required).toBeFalsy();
    expect(option('kb_import', 'file')).toMatchObject({ type: ApplicationCommandOptionType.Attachment, required: true });
    expect(option('train', 'answer').max_length).toBeLessThanOrEqual(6000);
  });

  it('defer the commands that may take longer than Discord’s 3 seconds', () => {
    const deferred = commands.filter((c) => c.defer).map((c) => c.data.name).sort();
    expect(deferred).toEqual(['export_training', 'import_training', 'kb_export', 'kb_import', 'status', 'test_ai']);
  });
});
