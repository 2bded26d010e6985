import { describe, expect, it } from 'vitest';
import { groupingAccuracy } from './accuracy.js';

describe('groupingAccuracy', () => {
  it('is 1 when the groups match whatever the labels', () => {
    expect(groupingAccuracy(['E1', 'E2', 'E1'], ['a', 'b', 'a'])).toBe(1);
  });

  it('counts none of the lines of a split group, nor of a merged one', () => {
    // E1 split into a and b: its 2 lines are wrong; E2 and E3 merged into c: 3 lines wrong.
    expect(
      groupingAccuracy(['E1', 'E1', 'E2', 'E3', 'E3', 'E4'], ['a', 'b', 'c', 'c', 'c', 'd']),
    ).toBeCloseTo(1 / 6);
  });

  it('is 1 for no lines and refuses label lists of different lengths', () => {
    expect(groupingAccuracy([], [])).toBe(1);
    expect(() => groupingAccuracy(['E1'], [])).toThrow(RangeError);
  });
});
