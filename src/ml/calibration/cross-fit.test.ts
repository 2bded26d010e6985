import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { averageCalibrated, crossFitCalibrated, stratifiedFolds } from './cross-fit.js';

describe('stratifiedFolds', () => {
  it("assigns folds as scikit-learn 1.2's StratifiedKFold(3) does", () => {
    const y = [0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0];
    expect(Array.from(stratifiedFolds(y, 3))).toEqual([0, 0, 0, 0, 0, 1, 1, 2, 1, 1, 2, 2, 2]);
  });

  it('orders the classes by first appearance, as scikit-learn encodes them', () => {
    // StratifiedKFold(3) of scikit-learn 1.2.1; with the zeros sorted first it would differ.
    expect(Array.from(stratifiedFolds([1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0, 0], 3))).toEqual([
      0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
    ]);
    expect(Array.from(stratifiedFolds([0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1], 3))).toEqual([
      0, 0, 1, 0, 0, 1, 0, 2, 1, 1, 2, 2, 2,
    ]);
  });

  it('puts every class into every fold in near-equal shares', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 10, maxLength: 200 }),
        fc.integer({ min: 2, max: 5 }),
        (y, k) => {
          const pos = y.filter((v) => v === 1).length;
          fc.pre(Math.min(pos, y.length - pos) >= k);
          const folds = stratifiedFolds(y, k);
          for (const cls of [0, 1]) {
            const sizes = new Array<number>(k).fill(0);
            y.forEach((v, r) => v === cls && sizes[folds[r]]++);
            expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
            expect(Math.min(...sizes)).toBeGreaterThan(0);
          }
        },
      ),
    );
  });

  it('refuses too few folds or too few rows of a class, naming folds', () => {
    expect(() => stratifiedFolds([0, 1, 0, 1], 1)).toThrow(/folds must be an integer ≥ 2/);
    expect(() => stratifiedFolds([0, 0, 0, 1], 2)).toThrow(/the smaller has 1/);
    expect(() => stratifiedFolds([0, 2, 0, 1], 2)).toThrow(/label at index 1/);
  });
});

describe('crossFitCalibrated', () => {
  // A "model" that remembers its training rows; its raw score of a row is the row's feature.
  const feature = [0.1, 0.9, 0.2, 0.3, 0.8, 0.7, 0.4, 0.6, 0.1, 0.2, 0.3, 0.95, 0.5, 0.85];
  const y = [0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 1];

  it('fits each fold on the other folds and calibrates on the held-out rows only', () => {
    const seen: Int32Array[] = [];
    const members = crossFitCalibrated(
      y,
      { folds: 3, method: 'isotonic' },
      (rows) => {
        seen.push(rows);
        return rows;
      },
      (_model, rows) => Float64Array.from(rows, (r) => feature[r]),
    );
    expect(members).toHaveLength(3);
    const folds = stratifiedFolds(y, 3);
    seen.forEach((rows, f) => {
      expect(Array.from(rows).every((r) => folds[r] !== f)).toBe(true);
      expect(rows.length + folds.filter((v) => v === f).length).toBe(y.length);
    });
  });

  it('averages the members’ calibrated probabilities', () => {
    const members = crossFitCalibrated(
      y,
      { folds: 2, method: 'platt' },
      () => null,
      (_m, rows) => Float64Array.from(rows, (r) => feature[r]),
    );
    const raw = Float64Array.from([0.05, 0.5, 0.99]);
    const mean = averageCalibrated(members, () => raw);
    const a = members[0].calibrator.transform(raw);
    const b = members[1].calibrator.transform(raw);
    mean.forEach((p, i) => expect(p).toBeCloseTo((a[i] + b[i]) / 2, 12));
    expect(mean[0]).toBeLessThan(mean[2]);
  });
});
