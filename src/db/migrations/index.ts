import type { Migration } from '../migrate.js';
import { initial } from './001_initial.js';

/** Every schema change, in order. Never edit a released migration: add the next number. */
export const migrations: readonly Migration[] = [initial];
