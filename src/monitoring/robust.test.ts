import { describe, expect, it } from 'vitest';
import { medianAbsoluteDeviation, medianSorted, quantileSorted, sortedCopy } from './robust.js';

const f = (xs: number[]): Float64Array => Float64Array.from(xs);

describe('order statistics', () => {
  it('takes the median of odd and even counts, NaN when empty', () => {
    expect(medianSorted(f([1, 2, 9]))).toBe(2);
    expect(medianSorted(f([1, 2, 4, 9]))).toBe(3);
    expect(medianSorted(f([1, 2, 4, 9]), 3)).toBe(2);
    expect(medianSorted(f([]))).toBeNaN();
  });

  it('takes nearest-rank quantiles: an observed value, p95 of 5 is the largest', () => {
    const xs = f([10, 20, 30, 40, 50]);
    expect(quantileSorted(xs, 0.95)).toBe(50);
    expect(quantileSorted(xs, 0.5)).toBe(30);
    expect(quantileSorted(xs, 0.2)).toBe(10);
    expect(quantileSorted(xs, 0)).toBe(10);
    const twenty = f(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(quantileSorted(twenty, 0.95)).toBe(19);
    expect(quantileSorted(f([]), 0.95)).toBeNaN();
  });

  it('computes the MAD around a center', () => {
    // |x − 100| = 10, 0, 0, 0, 10, 300 → sorted 0 0 0 10 10 300 → median 5
    const xs = f([90, 100, 100, 100, 110, 400]);
    expect(medianAbsoluteDeviation(xs, 0, 6, 100, new Float64Array(6))).toBe(5);
    expect(medianAbsoluteDeviation(xs, 1, 4, 100, new Float64Array(6))).toBe(0);
  });

  it('sorts a slice into a caller-owned buffer without touching the source', () => {
    const src = f([5, 3, 9, 1]);
    const out = new Float64Array(8);
    expect(sortedCopy(src, 1, 4, out)).toBe(3);
    expect(Array.from(out.subarray(0, 3))).toEqual([1, 3, 9]);
    expect(Array.from(src)).toEqual([5, 3, 9, 1]);
  });
});
