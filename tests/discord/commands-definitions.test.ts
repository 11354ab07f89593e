import { ApplicationCommandOptionType, PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { knowledgeCommands } from '../../src/discord/commands/knowledge.js';
import { systemCommands } from '../../src/discord/commands/system.js';
import { trainingCommands } from '../../src/discord/commands/training.js';
import { COMMAND_CONTRACT } from '../command-contract.js';


const commands = [...trainingCommands, ...knowledgeCommands, ...systemCommands];

describe('staff command definitions', () => {
  it('are exactly the commands of the contract, with its option names in order', () => {
    const defined = Object.fromEntries(commands.map((c) => [c.data.name, (c.data.toJSON().options ?? []).map((o) => o.name)]));
    const ticketCommands = ['setup', 'ticket_panel', 'close_ticket', 'ticket_info'];
    const staffContract = Object.fromEntries(Object.entries(COMMAND_CONTRACT).filter(([name]) => !ticketCommands.includes(name)));
    expect(defined).toEqual(staffContract);
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
