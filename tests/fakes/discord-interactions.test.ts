import { setTimeout as sleep } from 'node:timers/promises';
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  DiscordAPIError,
  Events,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  Routes,
  TextInputBuilder,
  TextInputStyle,
  type ChatInputCommandInteraction,
  type Interaction,
  type TextChannel,
} from 'discord.js';
import { describe, expect, it } from 'vitest';
import { apiErrorOf, type Scene, withScene } from './discord-scene.js';

// The fake Discord's interactions, pinned with the real discord.js client and a tiny bot: command registration and
// validation, replies, deferrals and follow-ups, one callback (40060) within 3 s (10062), modals, buttons,
// default_member_permissions, files both ways, autocomplete, calls repeated after their answer was lost (README.md, "Interactions").

describe('fake Discord interactions, with the real discord.js client', () => {
  let { fake, client, guild, general, member } = {} as Scene;
  /** What Discord answered to the `repeat` command's repeated calls. */
  const repeatOutcomes: unknown[] = [];
  /** Errors the test bot's interaction handlers ran into (the API's answers). */
  const handlerErrors: { command: string; error: unknown }[] = [];

  withScene((scene) => {
    ({ fake, client, guild, general, member } = scene);
    client.on(Events.InteractionCreate, (i) => void handleInteraction(i));
  });

  /** A tiny bot: just enough handlers to exercise every interaction path of the fake. */
  async function handleInteraction(i: Interaction): Promise<void> {
    const name = i.isChatInputCommand() || i.isAutocomplete() ? i.commandName : i.isButton() || i.isModalSubmit() ? i.customId : '?';
    try {
      if (i.isAutocomplete()) {
        const typed = String(i.options.getFocused());
        await i.respond(['alpha', 'beta', 'alps'].filter((c) => c.startsWith(typed)).map((c) => ({ name: c, value: c })));
      } else if (i.isChatInputCommand()) {
        await commandHandlers[i.commandName]?.(i);
      } else if (i.isButton() && i.customId === 'demo:click') {
        await i.update({ content: `clicked by ${i.user.username}`, components: [] });
      } else if (i.isModalSubmit() && i.customId === 'ticket:open') {
        await i.reply({ content: `subject=${i.fields.getTextInputValue('subject')}`, flags: MessageFlags.Ephemeral });
      }
    } catch (error) {
      handlerErrors.push({ command: name, error });
    }
  }

  const commandHandlers: Record<string, (i: ChatInputCommandInteraction) => Promise<unknown>> = {
    ping: (i) => i.reply({ content: 'pong', flags: MessageFlags.Ephemeral }),
    slow: async (i) => {
      await i.deferReply();
      await sleep(50);
      await i.editReply('done after deferring');
    },
    twice: async (i) => {
      await i.reply('first');
      // discord.js refuses a second reply itself; go straight to the API as a buggy bot would.
      await i.client.rest.post(Routes.interactionCallback(i.id, i.token), { body: { type: 4, data: { content: 'second' } }, auth: false });
    },
    late: async (i) => {
      await sleep(3200);
      await i.reply('too late');
    },
    form: (i) =>
      i.showModal(
        new ModalBuilder()
          .setCustomId('ticket:open')
          .setTitle('Open a ticket')
          .addComponents(
            new ActionRowBuilder<TextInputBuilder>().addComponents(
              new TextInputBuilder().setCustomId('subject').setLabel('Subject').setStyle(TextInputStyle.Short),
            ),
          ),
      ),
    export: (i) => i.reply({ files: [new AttachmentBuilder(Buffer.from('{"entries":[1,2,3]}'), { name: 'export.json' })], flags: MessageFlags.Ephemeral }),
    import: async (i) => {
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      const file = i.options.getAttachment('file', true);
      const text = await (await fetch(file.url)).text();
      await i.editReply(`read ${file.name}: ${text.length} bytes, first char ${text[0]}`);
    },
    steps: async (i) => {
      await i.deferReply();
      await i.followUp('step one');
      await i.followUp({ content: 'step two', flags: MessageFlags.Ephemeral });
    },
    // Each call's connection is dropped after Discord acted (the test arranges it); the handler repeats the call once
    // and records what Discord answered to the repeat.
    repeat: async (i) => {
      const again = async (send: () => Promise<unknown>) => {
        try {
          await send();
        } catch (error) {
          if ((error as { code?: unknown }).code !== 'UND_ERR_SOCKET') throw error;
          repeatOutcomes.push(await send().then(() => 'created', (e: unknown) => (e as DiscordAPIError).code));
        }
      };
      await again(() => i.reply('answered once'));
      i.replied = true; // 40060 means the first callback arrived
      await again(() => i.followUp('followed up once'));
    },
    panel: (i) =>
      i.reply({
        content: 'panel',
        components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('demo:click').setLabel('Click').setStyle(ButtonStyle.Primary))],
      }),
  };

  async function registerCommands(): Promise<void> {
    if (fake.commands(guild.id).length) return;
    await client.application!.commands.set(
      [
        { name: 'ping', description: 'Replies pong' },
        { name: 'slow', description: 'Defers, then edits' },
        { name: 'twice', description: 'Answers twice' },
        { name: 'late', description: 'Answers after 3 s' },
        { name: 'form', description: 'Shows a modal' },
        { name: 'export', description: 'Replies with a file' },
        { name: 'import', description: 'Reads an attachment', options: [{ type: 11, name: 'file', description: 'JSON file', required: true }] },
        { name: 'panel', description: 'Posts a button', default_member_permissions: PermissionFlagsBits.ManageGuild.toString() },
        { name: 'steps', description: 'Defers, then follows up twice' },
        { name: 'repeat', description: 'Repeats a reply and a follow-up whose answers were lost' },
        { name: 'pick', description: 'Autocompletes', options: [{ type: 3, name: 'kb', description: 'Knowledge base', autocomplete: true }] },
      ],
      guild.id,
    );
  }

  it('registers guild commands and validates them', async () => {
    await registerCommands();
    expect(fake.commands(guild.id).map((c) => c.name)).toContain('ping');
    const bad = await apiErrorOf(client.application!.commands.set([{ name: 'Bad Name', description: 'x' }], guild.id));
    expect(bad.code).toBe(50035);
    expect(JSON.stringify(bad.rawError)).toContain('APPLICATION_COMMAND_INVALID_NAME');
  });

  it('answers a slash command; a deferral followed by an edit shows the edit', async () => {
    await registerCommands();
    const ping = await fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: member.id, name: 'ping' });
    expect(await ping.waitForResponse()).toMatchObject({ type: 4, content: 'pong', ephemeral: true });

    const slow = await fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: member.id, name: 'slow' });
    const reply = await slow.waitForResponse();
    expect(reply).toMatchObject({ type: 5, content: 'done after deferring', ephemeral: false });
    expect(fake.message(reply.messageId!)?.content).toBe('done after deferring');
  });

  it('fills a deferred reply with the first follow-up; later follow-ups are new messages', async () => {
    await registerCommands();
    const r = await fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: member.id, name: 'steps' });
    expect(await r.waitForResponse()).toMatchObject({ type: 5, content: 'step one' });
    expect(await r.waitForFollowUp(0)).toMatchObject({ content: 'step two', ephemeral: true });
    expect(fake.messages(general).some((m) => m.content === 'step two')).toBe(false);
  });

  it('refuses a second callback with 40060', async () => {
    await registerCommands();
    const r = await fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: member.id, name: 'twice' });
    const rejected = await r.waitForRejection();
    expect(rejected.code).toBe(40060);
    expect((await r.waitForResponse()).content).toBe('first');
  });

  it('a callback whose answer was lost is taken: repeating it gets 40060; a lost follow-up repeated is a second follow-up (no nonce on webhooks)', async () => {
    await registerCommands();
    fake.faults.dropNext({ method: 'POST', route: /^\/interactions\/\d+\/[^/]+\/callback$/, lose: 'response' });
    fake.faults.dropNext({ method: 'POST', route: /^\/webhooks\/\d+\/[^/]+$/, lose: 'response' });
    const r = await fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: member.id, name: 'repeat' });
    expect(await r.waitForResponse()).toMatchObject({ type: 4, content: 'answered once' });
    await r.waitForFollowUp(1);
    await fake.waitFor(() => repeatOutcomes.length === 2);
    expect(r.rejected.map((x) => x.code)).toEqual([40060]);
    expect(r.followUps.map((f) => f.content)).toEqual(['followed up once', 'followed up once']);
    expect(repeatOutcomes).toEqual([40060, 'created']);
    // Follow-ups carry interaction_metadata.original_response_message_id ("present only on follow-up messages").
    const channel = (await client.channels.fetch(general)) as TextChannel;
    const ofIt = [...(await channel.messages.fetch({ limit: 10 })).values()].filter((m) => m.interactionMetadata?.id === r.id);
    const original = (await r.waitForResponse()).messageId;
    expect(ofIt.map((m) => [m.content, m.interactionMetadata?.originalResponseMessageId]).sort()).toEqual([
      ['answered once', null],
      ['followed up once', original],
      ['followed up once', original],
    ]);
  });

  it('refuses a callback after 3 seconds with 10062', async () => {
    await registerCommands();
    const r = await fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: member.id, name: 'late' });
    const rejected = await r.waitForRejection(6000);
    expect(rejected).toMatchObject({ status: 404, code: 10062 });
    expect(r.acknowledged).toBe(false);
  });

  it('shows a modal and receives its submission', async () => {
    await registerCommands();
    const r = await fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: member.id, name: 'form' });
    expect(await r.waitForModal()).toMatchObject({ custom_id: 'ticket:open', title: 'Open a ticket' });
    const submitted = await fake.submitModal({ customId: 'ticket:open', userId: member.id, fields: { subject: 'VPN down' } });
    expect(await submitted.waitForResponse()).toMatchObject({ content: 'subject=VPN down', ephemeral: true });
  });

  it('clicks a button and sees the message updated', async () => {
    await registerCommands();
    const r = await fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: guild.ownerId, name: 'panel' });
    const panel = await r.waitForResponse();
    const click = await fake.clickButton({ messageId: panel.messageId!, customId: 'demo:click', userId: member.id });
    expect(await click.waitForResponse()).toMatchObject({ type: 7, content: 'clicked by bob', components: [] });
    expect(fake.message(panel.messageId!)?.content).toBe('clicked by bob');
  });

  it('hides a command from members without its default_member_permissions', async () => {
    await registerCommands();
    await expect(fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: member.id, name: 'panel' })).rejects.toThrow(/default_member_permissions/);
  });

  it('receives file bytes from an interaction reply, and serves an uploaded option attachment', async () => {
    await registerCommands();
    const exp = await fake.invokeSlashCommand({ guildId: guild.id, channelId: general, userId: member.id, name: 'export' });
    const reply = await exp.waitForResponse();
    expect(reply.files.map((f) => [f.name, f.data.toString()])).toEqual([['export.json', '{"entries":[1,2,3]}']]);

    const imp = await fake.invokeSlashCommand({
      guildId: guild.id,
      channelId: general,
      userId: member.id,
      name: 'import',
      options: { file: { filename: 'training.json', data: '[{"q":1}]' } },
    });
    expect((await imp.waitForResponse()).content).toBe('read training.json: 9 bytes, first char [');
  });

  it('answers autocomplete with the choices the bot returns', async () => {
    await registerCommands();
    const r = await fake.autocomplete({ guildId: guild.id, channelId: general, userId: member.id, name: 'pick', options: { kb: 'al' }, focused: 'kb' });
    expect((await r.waitForChoices()).map((c) => c.value)).toEqual(['alpha', 'alps']);
  });

  it('has no unexpected handler errors', () => {
    const unexpected = handlerErrors.filter((e) => !['twice', 'late'].includes(e.command));
    expect(unexpected).toEqual([]);
    const late = handlerErrors.find((e) => e.command === 'late')?.error;
    expect(late).toBeInstanceOf(DiscordAPIError);
    expect((late as DiscordAPIError).code).toBe(10062);
  });
});
