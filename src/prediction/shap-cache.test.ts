import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contributions, createMatrix, predictRaw, trainGbdt } from '../ml/index.js';
import { SeededRng } from '../shared/index.js';
import { ContributionCache } from './shap-cache.js';

function model(numLeaves: number) {
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
    { rng, params: { n_estimators: 30, num_leaves: numLeaves, min_samples_leaf: 5 } },
  );
}

describe('remembered TreeSHAP', () => {
  const value = fc.oneof(fc.double({ min: -0.5, max: 1.5, noNaN: true }), fc.constant(NaN));

  // 8 leaves: patterns keyed by bit masks; 40 leaves: trees of more than 30 splits keyed by strings.
  for (const leaves of [8, 40]) {
    const m = model(leaves);
    // 64 patterns per tree on average: the memory fills and starts over within the run.
    const cache = new ContributionCache(m, 64);

    it(`gives TreeSHAP's values and the raw score of the whole model, cached or not (${leaves} leaves)`, () => {
      expect(m.trees.some((t) => t.numLeaves - 1 > 30)).toBe(leaves > 31);
      fc.assert(
        fc.property(fc.array(value, { minLength: 3, maxLength: 3 }), (row) => {
          const x = createMatrix(Float64Array.from(row), 1, 3);
          const direct = new Float64Array(4);
          contributions(m, x, direct);
          const raw = new Float64Array(1);
          predictRaw(m, x, raw);
          for (let pass = 0; pass < 2; pass++) {
            const got = new Float64Array(3);
            expect(cache.explain(row, got)).toBe(raw[0]);
            for (let c = 0; c < 3; c++) expect(got[c]).toBeCloseTo(direct[c], 10);
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});
