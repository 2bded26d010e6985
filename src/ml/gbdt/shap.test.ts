import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../shared/index.js';
import type { Matrix } from '../matrix.js';
import { trainGbdt } from './booster.js';
import type { GbdtModel } from './model.js';
import { resolveGbdtParams } from './params.js';
import { predictRaw } from './predict.js';
import { contributions, expectedRaw } from './shap.js';
import { withMissing, xorData } from './testing.js';
import { TreeBuilder, type Tree } from './tree.js';

/** E[tree | features in S fixed to x]: follow x on S, else average the children by cover. */
function conditional(tree: Tree, x: Float64Array, inS: boolean[], node: number): number {
  if (node < 0) return tree.leafValue[~node];
  const cover = (c: number): number => (c >= 0 ? tree.internalCover[c] : tree.leafCover[~c]);
  const f = tree.splitFeature[node];
  const l = tree.leftChild[node];
  const r = tree.rightChild[node];
  if (inS[f]) {
    const v = x[f];
    const left = v <= tree.threshold[node] || (Number.isNaN(v) && tree.defaultLeft[node] === 1);
    return conditional(tree, x, inS, left ? l : r);
  }
  return (
    (cover(l) * conditional(tree, x, inS, l) + cover(r) * conditional(tree, x, inS, r)) /
    tree.internalCover[node]
  );
}

/** Shapley values by their definition, over every subset of features (for tiny M only). */
function bruteForceShap(model: GbdtModel, x: Float64Array): number[] {
  const m = model.numFeatures;
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const value = (mask: number): number => {
    const inS = Array.from({ length: m }, (_, i) => (mask & (1 << i)) !== 0);
    return model.trees.reduce(
      (s, t) => s + (t.numLeaves === 1 ? t.leafValue[0] : conditional(t, x, inS, 0)),
      0,
    );
  };
  const phi = new Array<number>(m).fill(0);
  for (let i = 0; i < m; i++) {
    for (let mask = 0; mask < 1 << m; mask++) {
      if (mask & (1 << i)) continue;
      const size = [...Array(m).keys()].filter((j) => mask & (1 << j)).length;
      phi[i] += ((fact(size) * fact(m - size - 1)) / fact(m)) * (value(mask | (1 << i)) - value(mask));
    }
  }
  return phi;
}

function shapOf(model: GbdtModel, x: Matrix): Float64Array {
  const out = new Float64Array(x.rows * (x.cols + 1));
  contributions(model, x, out);
  return out;
}

describe('contributions (TreeSHAP)', () => {
  it('gives a stump the leaf value minus the cover-weighted mean', () => {
    const b = new TreeBuilder(2);
    b.reset();
    b.split(0, 1, 0, false, 1, 4);
    const tree = b.finish(Float64Array.from([2, -1]), Float64Array.from([3, 1]));
    const model: GbdtModel = {
      params: resolveGbdtParams(),
      featureNames: ['a', 'b'],
      numFeatures: 2,
      baseScore: 0.5,
      trees: [tree],
    };
    // E = (3·2 + 1·(−1))/4 = 1.25; a row going left gets 2 − 1.25 on feature b, 0 on a.
    const phi = shapOf(model, { data: Float64Array.from([9, -1, 9, 1]), rows: 2, cols: 2 });
    expect(Array.from(phi)).toEqual([0, 0.75, 1.75, 0, -2.25, 1.75]);
    expect(expectedRaw(model)).toBe(1.75);
  });

  it('equals Shapley values computed from their definition, features reused on a path included', () => {
    const { x, y } = xorData(300, 21, 1);
    const model = trainGbdt(
      { x: withMissing(x, 0.1, 3), y },
      { rng: new SeededRng(0), params: { n_estimators: 4, num_leaves: 10, min_samples_leaf: 3 } },
    );
    const rows = { data: x.data.subarray(0, 20 * x.cols), rows: 20, cols: x.cols };
    const phi = shapOf(model, rows);
    for (let r = 0; r < rows.rows; r++) {
      const expected = bruteForceShap(model, rows.data.subarray(r * x.cols, (r + 1) * x.cols));
      for (let f = 0; f < x.cols; f++) expect(phi[r * (x.cols + 1) + f]).toBeCloseTo(expected[f], 10);
    }
  });

  it('sums with the expected value to the raw score within 1e-9', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 2, max: 24 }),
        fc.integer({ min: 1, max: 5 }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        (seed, leaves, noise, missing) => {
          const { x, y } = xorData(150, seed, noise);
          const xm = withMissing(x, missing, seed);
          const model = trainGbdt(
            { x: xm, y },
            {
              rng: new SeededRng(seed),
              params: { n_estimators: 8, num_leaves: leaves, min_samples_leaf: 2 },
            },
          );
          const phi = shapOf(model, xm);
          const raw = new Float64Array(xm.rows);
          predictRaw(model, xm, raw);
          for (let r = 0; r < xm.rows; r++) {
            let sum = 0;
            for (let c = 0; c <= xm.cols; c++) sum += phi[r * (xm.cols + 1) + c];
            expect(Math.abs(sum - raw[r])).toBeLessThan(1e-9);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
