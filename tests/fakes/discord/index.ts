export { FakeDiscord, type FakeDiscordOptions, type GuildView, type CreateChannelInput } from './fake-discord.js';
export { InteractionHandle, type InteractionReply, type CallbackRecord, type RejectedRequest } from './interaction-handle.js';
export { type HeldRequest } from './held-requests.js';
export type { AttachmentUpload, OptionValue, SlashCommandInput, AutocompleteInput, MessageCommandInput } from './interaction-payloads.js';
export type { MessageView, ChannelView } from './views.js';
export type { RequestLogEntry } from './rest-server.js';
export type { TypingEvent } from './world.js';
export { DiscordHttpError, ErrorCode } from './errors.js';
export { DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS } from './world.js';
