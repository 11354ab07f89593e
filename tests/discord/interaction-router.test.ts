import { describe, expect, it } from 'vitest';
import { allCommands, allComponents, allMessageCommands } from '../../src/discord/commands/index.js';
import { uniqueKeys } from '../../src/discord/interactions.js';

describe('interaction router keys', () => {
  it('every command name and every button or modal prefix of the bot is used once', () => {
    expect(uniqueKeys(allCommands, (c) => c.data.name, 'command name').size).toBe(allCommands.length);
    expect(uniqueKeys(allMessageCommands, (c) => c.data.name, 'message command name').size).toBe(allMessageCommands.length);
    expect(uniqueKeys(allComponents, (c) => c.prefix, 'custom id prefix').size).toBe(allComponents.length);
  });

  it('refuses a prefix used twice instead of silently keeping the last handler', () => {
    const handlers = [{ prefix: 'ans' }, { prefix: 'tcr' }, { prefix: 'ans' }];
    expect(() => uniqueKeys(handlers, (h) => h.prefix, 'custom id prefix')).toThrow('Two handlers use the custom id prefix "ans"');
  });
});
