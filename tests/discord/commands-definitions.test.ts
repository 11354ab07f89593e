import { ApplicationCommandOptionType, PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../src/discord/commands/register.js';
import { allCommands, allMessageCommands } from '../../src/discord/commands/index.js';
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
    const registered = new Map(commandDefinitions().map((c) => [c.name, c]));
    for (const command of commands) {
      expect(command.access, command.data.name).toBe('staff');
      expect(registered.get(command.data.name)?.default_member_permissions, command.data.name).toBe(String(PermissionFlagsBits.ManageMessages));
      expect(command.ephemeral, command.data.name).not.toBe(false);
    }
  });

  it('are shown by Discord to exactly the members their access allows: staff (Manage Messages), managers (Manage Server), everyone', () => {
    const expected = { everyone: null, staff: String(PermissionFlagsBits.ManageMessages), manager: String(PermissionFlagsBits.ManageGuild) };
    const registered = new Map(commandDefinitions().map((c) => [c.name, c]));
    const all = [...allCommands, ...allMessageCommands];
    expect(registered.size).toBe(all.length);
    for (const command of all) expect(registered.get(command.data.name)?.default_member_permissions, command.data.name).toBe(expected[command.access]);
    expect(registered.get('close_ticket')?.default_member_permissions).toBeNull();
    expect(registered.get('setup')?.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
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

describe('registered command JSON', () => {
  it('is what Discord has been registered with, byte for byte (update on purpose with `npx vitest run -u`, and read the diff)', async () => {
    // A rename, a changed description or a flipped `required` changes what every server sees; the file makes it a reviewed diff.
    await expect(`${JSON.stringify(commandDefinitions(), null, 2)}\n`).toMatchFileSnapshot('./fixtures/registered-commands.json');
  });
});
