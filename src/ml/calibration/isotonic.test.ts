import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IsotonicCalibrator } from './isotonic.js';

describe('IsotonicCalibrator', () => {
  it('matches scikit-learn on a small set with a tie, clipping outside the range', () => {
    const c = IsotonicCalibrator.fit([1, 2, 2, 3, 4, 5], [1, 0, 1, 0, 1, 1]);
    expect([...c.xThresholds]).toEqual([1, 3, 4, 5]);
    expect([...c.yThresholds]).toEqual([0.5, 0.5, 1, 1]);
    expect([...c.transform([0, 1.5, 2.5, 3.5, 6])]).toEqual([0.5, 0.5, 0.5, 0.75, 1]);
  });

  it('fits a monotone function that never does worse than the constant mean', () => {
    const data = fc.array(
      fc.tuple(fc.integer({ min: 0, max: 30 }), fc.double({ min: 0, max: 1, noNaN: true })),
      {
        minLength: 1,
        maxLength: 50,
      },
    );
    fc.assert(
      fc.property(data, (rows) => {
        const x = rows.map((r) => r[0]);
        const y = rows.map((r) => r[1]);
        const c = IsotonicCalibrator.fit(x, y);
        const grid = Array.from({ length: 40 }, (_, i) => i - 5);
        const out = c.transform(grid);
        for (let i = 1; i < out.length; i++) expect(out[i]).toBeGreaterThanOrEqual(out[i - 1]);
        const fitted = c.transform(x);
        const mean = y.reduce((s, v) => s + v, 0) / y.length;
        const sse = (f: (i: number) => number): number => y.reduce((s, v, i) => s + (v - f(i)) ** 2, 0);
        expect(sse((i) => fitted[i])).toBeLessThanOrEqual(sse(() => mean) + 1e-9);
      }),
    );
  });

  it('returns the weighted mean for a single distinct score', () => {
    const c = IsotonicCalibrator.fit([2, 2, 2], [0, 1, 1], [2, 1, 1]);
    expect([...c.transform([0, 2, 9])]).toEqual([0.5, 0.5, 0.5]);
  });
});
