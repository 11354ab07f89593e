import type { ComponentHandler, SlashCommand } from './command.js';
import { knowledgeCommands, knowledgeComponents } from './knowledge.js';
import { systemCommands, systemComponents } from './system.js';
import { ticketCommands, ticketComponents } from './tickets.js';
import { trainingCommands, trainingComponents } from './training.js';

/** Every slash command the bot registers, in the order Discord lists them. */
export const allCommands: readonly SlashCommand[] = [...ticketCommands, ...trainingCommands, ...knowledgeCommands, ...systemCommands];

export const allComponents: readonly ComponentHandler[] = [...ticketComponents, ...trainingComponents, ...knowledgeComponents, ...systemComponents];
