import { describe, expect, it } from 'vitest';
import { TrigramSpace } from '../../../src/core/matching/char-trigrams.js';

describe('TrigramSpace.cosines', () => {
  const space = new TrigramSpace();
  const cosines = (question: string[], candidates: string[][]) => space.cosines(space.vector(question), candidates.map((c) => space.vector(c)));

  it('scores a compound closest to the candidate that holds its parts', () => {
    const [phone, bank, hours] = cosines(['cellphone'], [['find', 'my', 'phone'], ['bank', 'transfer'], ['opening', 'hours']]);
    expect(phone).toBeGreaterThan(0.2);
    expect(bank).toBe(0);
    expect(hours).toBe(0);
  });

  it('is 1 for the same words, in [0, 1] otherwise, and 0 for an empty question', () => {
    const [same, other] = cosines(['reset', 'password'], [['password', 'reset'], ['passport', 'renewal']]);
    expect(same).toBeCloseTo(1, 10);
    expect(other).toBeGreaterThan(0);
    expect(other).toBeLessThan(1);
    expect(cosines([], [['reset']])).toEqual([0]);
  });

  it('weighs a trigram every candidate shares less than one only the right candidate has', () => {
    // "ing " is in both candidates; "ship" only in the first.
    const [shipping, billing] = cosines(['shipment'], [['shipping'], ['billing']]);
    expect(shipping).toBeGreaterThan(billing!);
  });

  it('leaves its scratch space clean between questions', () => {
    const first = cosines(['refund'], [['refund', 'policy'], ['order']]);
    cosines(['something', 'else', 'entirely'], [['else'], ['entirely']]);
    expect(cosines(['refund'], [['refund', 'policy'], ['order']])).toEqual(first);
  });
});
