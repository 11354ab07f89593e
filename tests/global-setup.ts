import { buildBot } from './npm-start.js';

/**
 * Builds the bot once before any test file runs, as `npm start` does before it starts: tests that
 * start the real process run dist/ as users do, and no two test files rebuild it under each other.
 */
export default function setup(): void {
  buildBot();
}
