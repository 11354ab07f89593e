import { claimCommands, claimComponents } from './claims.js';
import { closeRequestCommands, closeRequestComponents } from './close-request.js';
import type { ComponentHandler, MessageCommand, SlashCommand } from './command.js';
import { dashboardCommands } from './dashboard.js';
import { knowledgeCommands, knowledgeComponents } from './knowledge.js';
import { supportCommands, supportComponents, supportMessageCommands } from './support.js';
import { systemCommands, systemComponents } from './system.js';
import { ticketSettingsCommands } from './ticket-settings.js';
import { ticketTypeCommands } from './ticket-types.js';
import { ticketCommands, ticketComponents } from './tickets.js';
import { trainingCommands, trainingComponents } from './training.js';

/** Every slash command the bot registers, in the order Discord lists them. */
export const allCommands: readonly SlashCommand[] = [
  ...ticketCommands,
  ...ticketTypeCommands,
  ...ticketSettingsCommands,
  ...claimCommands,
  ...closeRequestCommands,
  ...trainingCommands,
  ...knowledgeCommands,
  ...systemCommands,
  ...supportCommands,
  ...dashboardCommands,
];

export const allComponents: readonly ComponentHandler[] = [...ticketComponents, ...claimComponents, ...closeRequestComponents, ...trainingComponents, ...knowledgeComponents, ...systemComponents, ...supportComponents];

/** Commands on a message's right-click menu (Apps). */
export const allMessageCommands: readonly MessageCommand[] = [...supportMessageCommands];
