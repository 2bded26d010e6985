import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { timeOrderedSplit } from './time-ordered-split.js';

describe('timeOrderedSplit', () => {
  it('puts the earliest fraction in train, each side in time order', () => {
    const { train, test } = timeOrderedSplit([50, 10, 40, 20, 30], 0.6);
    expect([...train]).toEqual([1, 3, 4]);
    expect([...test]).toEqual([2, 0]);
  });

  it('never lets a tie at the cut straddle train and test', () => {
    const { train, test } = timeOrderedSplit([1, 2, 2, 2, 3], 0.5);
    expect([...train]).toEqual([0]);
    expect([...test]).toEqual([1, 2, 3, 4]);
  });

  it('keeps every train time strictly before every test time', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        (times, fraction) => {
          const { train, test } = timeOrderedSplit(times, fraction);
          expect(train.length + test.length).toBe(times.length);
          expect(train.length).toBeLessThanOrEqual(Math.floor(fraction * times.length));
          const lastTrain = train.length ? times[train[train.length - 1]] : -Infinity;
          for (const i of test) expect(times[i]).toBeGreaterThan(lastTrain);
        },
      ),
    );
  });

  it('rejects a fraction outside (0, 1) and NaN times', () => {
    expect(() => timeOrderedSplit([1, 2], 1)).toThrow(/fraction/);
    expect(() => timeOrderedSplit([1, NaN], 0.5)).toThrow(/NaN/);
  });
});
