import type { Route } from '../context.js';
import { knowledgeRoutes } from './knowledge.js';
import { overviewRoutes } from './overview.js';
import { suggestionRoutes } from './suggestions.js';
import { ticketRoutes } from './tickets.js';
import { trainingRoutes } from './training.js';
import { tryItRoutes } from './try-it.js';

/** Every page of the dashboard, tried in this order. */
export function dashboardRoutes(): Route[] {
  return [...overviewRoutes, ...trainingRoutes, ...suggestionRoutes, ...knowledgeRoutes, ...ticketRoutes, ...tryItRoutes];
}
