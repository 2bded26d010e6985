import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contributions, createMatrix, trainGbdt } from '../ml/index.js';
import { SeededRng } from '../shared/index.js';
import { ContributionCache } from './shap-cache.js';

function model() {
  const rng = new SeededRng(4);
  const n = 600;
  const x = new Float64Array(n * 3);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) x[i * 3 + c] = rng.next() < 0.05 ? NaN : rng.next();
    y[i] = x[i * 3] > 0.5 !== x[i * 3 + 1] > 0.5 || rng.next() < 0.1 ? 1 : 0;
  }
  return trainGbdt(
    { x: createMatrix(x, n, 3), y },
    { rng, params: { n_estimators: 30, num_leaves: 8, min_samples_leaf: 5 } },
  );
}

describe('remembered TreeSHAP', () => {
  const m = model();
  const cache = new ContributionCache(m, 64);
  const value = fc.oneof(fc.double({ min: -0.5, max: 1.5, noNaN: true }), fc.constant(NaN));

  it('gives the same values as TreeSHAP on the whole model, cached or not', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 3, maxLength: 3 }), (row) => {
        const direct = new Float64Array(4);
        contributions(m, createMatrix(Float64Array.from(row), 1, 3), direct);
        for (let pass = 0; pass < 2; pass++) {
          const got = cache.contributions(row);
          for (let c = 0; c < 3; c++) expect(got[c]).toBeCloseTo(direct[c], 10);
        }
      }),
      { numRuns: 300 },
    );
  });
});
