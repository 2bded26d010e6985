import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortFloat64 } from './sort.js';

/** Index of the first element that differs (Object.is, so −0 ≠ +0), or −1. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return a.length === b.length ? -1 : a.length;
}

describe('sortFloat64', () => {
  it('sorts like TypedArray sort, radix path included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 40 }),
        fc.integer({ min: 0, max: 1 << 15 }),
        (seeds, extra) => {
          // Pad past the radix threshold with repeats and small whole numbers.
          const values = Float64Array.from([
            ...seeds,
            ...Array.from(
              { length: extra },
              (_, i) => (seeds.length ? seeds[i % seeds.length] : 0) + (i % 7) - 3,
            ),
          ]);
          const expected = values.slice().sort();
          const sorted = sortFloat64(values);
          expect(sorted).toBe(values);
          expect(firstDifference(sorted, expected)).toBe(-1);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('orders −0 before +0 and handles infinities', () => {
    const v = Float64Array.from({ length: 20000 }, (_, i) => [0, -0, Infinity, -Infinity, 1e-310, -5][i % 6]);
    const expected = v.slice().sort();
    expect(firstDifference(sortFloat64(v), expected)).toBe(-1);
  });
});
