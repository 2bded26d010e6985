import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError, SeededRng } from '../../shared/index.js';
import { rocAuc } from '../metrics/index.js';
import type { Matrix } from '../matrix.js';
import { belowFloat32 } from './bin-mapper.js';
import { trainGbdt } from './booster.js';
import { predict, predictRaw } from './predict.js';
import { saveGbdt } from './serialize.js';
import { regressionData, xorData } from './testing.js';
import { treeDepth } from './tree.js';

const column = (...v: number[]): Matrix => ({ data: Float64Array.from(v), rows: v.length, cols: 1 });
const rawOf = (model: ReturnType<typeof trainGbdt>, x: Matrix): number[] => {
  const out = new Float64Array(x.rows);
  predictRaw(model, x, out);
  return Array.from(out);
};
const small = { min_samples_leaf: 1, min_child_weight: 0, lambda_l2: 0, num_leaves: 2, n_estimators: 1 };

/** Least-squares linear score (with intercept), solved by Gaussian elimination on the normal equations. */
function linearScore(x: Matrix, y: Float64Array): Float64Array {
  const k = x.cols + 1;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  const row = (r: number): number[] => [1, ...x.data.subarray(r * x.cols, (r + 1) * x.cols)];
  for (let r = 0; r < x.rows; r++) {
    const v = row(r);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) a[i][j] += v[i] * v[j];
      a[i][k] += v[i] * y[r];
    }
  }
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const f = a[j][i] / a[i][i];
      for (let c = i; c <= k; c++) a[j][c] -= f * a[i][c];
    }
  }
  const beta = new Array<number>(k).fill(0);
  for (let i = k - 1; i >= 0; i--) {
    let s = a[i][k];
    for (let j = i + 1; j < k; j++) s -= a[i][j] * beta[j];
    beta[i] = s / a[i][i];
  }
  return Float64Array.from({ length: x.rows }, (_, r) => row(r).reduce((s, v, i) => s + v * beta[i], 0));
}

describe('trainGbdt: one round by hand', () => {
  it('regression: base = mean, leaves = −G/H × learning rate', () => {
    const x = column(1, 2, 3, 4);
    const model = trainGbdt(
      { x, y: Float64Array.from([0, 0, 10, 10]) },
      { rng: new SeededRng(0), params: { ...small, objective: 'regression', learning_rate: 0.5 } },
    );
    expect(model.baseScore).toBe(5);
    // Gradients 5, 5, −5, −5 (h = 1): the cut at 2.5 has gain 100 and leaves ∓10/2 × 0.5.
    expect(model.trees[0].threshold[0]).toBe(2.5);
    expect(model.trees[0].splitGain[0]).toBe(100);
    expect(rawOf(model, x)).toEqual([2.5, 2.5, 7.5, 7.5]);
  });

  it('binary: base = prior log-odds, leaves = −G/(H+λ) × learning rate', () => {
    const x = column(1, 2, 3, 4);
    const y = Float64Array.from([0, 0, 1, 1]);
    // p = 0.5: g = ±0.5, h = 0.25. Left G = 1, H = 0.5, λ = 1 → −1/1.5 × 0.1.
    const model = trainGbdt({ x, y }, { rng: new SeededRng(0), params: { ...small, lambda_l2: 1 } });
    expect(model.baseScore).toBe(0);
    const [a, b, c, d] = rawOf(model, x);
    expect([a, b]).toEqual([-0.1 / 1.5, -0.1 / 1.5]);
    expect([c, d]).toEqual([0.1 / 1.5, 0.1 / 1.5]);
    const prior = trainGbdt(
      { x, y: Float64Array.from([0, 1, 1, 1]) },
      { rng: new SeededRng(0), params: small },
    );
    expect(prior.baseScore).toBeCloseTo(Math.log(3), 15);
  });
});

describe('trainGbdt: the hessian floor', () => {
  it('splits two rows with the default floor (1) and one row per leaf: the floor is capped', () => {
    // H = 2 × 0.25 = 0.5 < 2 × 1: uncapped, the default floor would forbid every split.
    const model = trainGbdt(
      { x: column(0, 1), y: Float64Array.from([0, 1]) },
      { rng: new SeededRng(0), params: { min_samples_leaf: 1, n_estimators: 1 } },
    );
    expect(model.params.min_child_weight).toBe(1);
    expect(model.trees[0].numLeaves).toBe(2);
  });
});

describe('trainGbdt: what it learns', () => {
  it('learns XOR, which no linear score ranks better than chance', () => {
    const train = xorData(1000, 1);
    const test = xorData(1000, 2);
    const model = trainGbdt(train, {
      rng: new SeededRng(0),
      params: { n_estimators: 40, num_leaves: 8, min_samples_leaf: 5 },
    });
    const p = new Float64Array(test.x.rows);
    predict(model, test.x, p);
    expect(rocAuc(test.y, p)).toBeGreaterThan(0.97);
    const linear = rocAuc(test.y, linearScore(test.x, test.y));
    expect(Math.abs(linear - 0.5)).toBeLessThan(0.06);
  });

  it('routes missing values the way the labels say', () => {
    for (const missingClass of [0, 1]) {
      const rng = new SeededRng(3);
      const n = 600;
      const data = new Float64Array(n);
      const y = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        data[r] = rng.next() * 2 - 1;
        y[r] = data[r] > 0 ? 1 : 0;
        if (y[r] === missingClass && rng.next() < 0.5) data[r] = NaN;
      }
      const model = trainGbdt({ x: { data, rows: n, cols: 1 }, y }, { rng, params: { n_estimators: 20 } });
      const p = new Float64Array(1);
      predict(model, column(NaN), p);
      if (missingClass === 1) expect(p[0]).toBeGreaterThan(0.9);
      else expect(p[0]).toBeLessThan(0.1);
    }
  });

  it('regression cuts the RMSE of the mean by more than two thirds', () => {
    const train = regressionData(1500, 4);
    const test = regressionData(500, 5);
    const model = trainGbdt(train, {
      rng: new SeededRng(0),
      params: { objective: 'regression', n_estimators: 60, num_leaves: 15 },
    });
    const out = new Float64Array(test.x.rows);
    predict(model, test.x, out);
    const mean = test.y.reduce((s, v) => s + v, 0) / test.y.length;
    const rmse = (f: (i: number) => number): number =>
      Math.sqrt(test.y.reduce((s, v, i) => s + (f(i) - v) ** 2, 0) / test.y.length);
    expect(rmse((i) => out[i])).toBeLessThan(rmse(() => mean) / 3);
  });

  it('stops early at the best validation round when labels are noise', () => {
    const train = xorData(600, 6, 1, 0.5);
    const valid = xorData(300, 7, 1, 0.5);
    const losses: number[] = [];
    const model = trainGbdt(train, {
      rng: new SeededRng(0),
      valid,
      params: { n_estimators: 300, early_stopping_rounds: 5 },
      onRound: (_, loss) => losses.push(loss),
    });
    const best = losses.indexOf(Math.min(...losses));
    expect(losses.length).toBeLessThan(300);
    expect(losses.length).toBe(best + 6);
    expect(model.trees.length).toBe(best + 1);
  });

  it('bounds trees by num_leaves and max_depth', () => {
    const { x, y } = xorData(800, 8, 3);
    const model = trainGbdt(
      { x, y },
      {
        rng: new SeededRng(0),
        params: { n_estimators: 5, num_leaves: 12, max_depth: 3, min_samples_leaf: 2 },
      },
    );
    for (const tree of model.trees) {
      expect(tree.numLeaves).toBeLessThanOrEqual(8);
      expect(treeDepth(tree)).toBeLessThanOrEqual(3);
    }
    // λ = 0: with λ > 0 a split's gain can be negative, and the tree may stop short of num_leaves.
    const wide = trainGbdt(
      { x, y },
      { rng: new SeededRng(0), params: { n_estimators: 1, num_leaves: 12, lambda_l2: 0 } },
    );
    expect(wide.trees[0].numLeaves).toBe(12);
  });

  it('uses at most the sampled share of features per tree', () => {
    const { x, y } = xorData(500, 9, 4);
    const model = trainGbdt(
      { x, y },
      { rng: new SeededRng(0), params: { n_estimators: 10, colsample_bytree: 0.4 } },
    );
    for (const tree of model.trees) expect(new Set(tree.splitFeature).size).toBeLessThanOrEqual(3);
  });
});

describe("trainGbdt: compat 'xgboost'", () => {
  // 80 rows, integer features (exact in XGBoost's single precision), feature 2 missing in every 11th.
  const data: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 80; i++) {
    const x0 = i % 9;
    const x1 = ((i * 37) % 23) * 2;
    data.push(x0, x1, i % 11 === 0 ? NaN : (i * 13) % 17);
    labels.push((x0 >= 6 && x1 < 30) || (i * 7919) % 5 === 0 ? 1 : 0);
  }
  const train = { x: { data: Float64Array.from(data), rows: 80, cols: 3 }, y: Float64Array.from(labels) };
  // Between training values, below and above all of them, missing.
  const test: Matrix = {
    data: Float64Array.from([5.7, 7.5, NaN, 6, 29, 3, 8.5, 45, 16.5, -1, -1, -1, 2, 31, NaN, 7, 10, 20]),
    rows: 6,
    cols: 3,
  };
  const params = { num_leaves: 8, n_estimators: 3, learning_rate: 0.3 };

  it('gives the raw scores of XGBoost 1.7.4 with the same settings', () => {
    // XGBClassifier(tree_method='hist', grow_policy='lossguide', max_leaves=8, max_depth=0,
    // max_bin=255, n_estimators=3, learning_rate=0.3, n_jobs=1).predict(DMatrix(test),
    // output_margin=True), single precision. Its trees have 8 leaves, down to 1.6 rows of hessian
    // (6 rows) per leaf, and learn missing values left on feature 2.
    const xgboost = [-0.1132052392, 1.2166454792, -1.0128954649, -1.0128954649, 0.2623015046, 1.2166454792];
    const model = trainGbdt(train, { rng: new SeededRng(0), params: { ...params, compat: 'xgboost' } });
    expect(model.baseScore).toBe(0);
    expect(model.trees.map((t) => t.numLeaves)).toEqual([8, 8, 8]);
    rawOf(model, test).forEach((v, i) => expect(v).toBeCloseTo(xgboost[i], 6));
    // First split as XGBoost's "f0 < 6": 5.7 goes left with 5, not right as with a cut at 5.5.
    expect([model.trees[0].splitFeature[0], model.trees[0].threshold[0]]).toEqual([0, belowFloat32(6)]);
  });

  it('is not what the defaults grow', () => {
    const model = trainGbdt(train, { rng: new SeededRng(0), params });
    expect(model.baseScore).not.toBe(0);
    expect(model.trees[0].numLeaves).toBeLessThan(8);
  });
});

describe("trainGbdt: compat 'sklearn'", () => {
  // 80 rows; feature 1 missing in every 7th row, most of those positive.
  const data: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 80; i++) {
    const x0 = ((i * 37) % 101) / 10;
    data.push(x0, i % 7 === 3 ? NaN : (i * 13) % 29, (i % 5) * 0.1);
    labels.push(x0 > 5 !== (i % 4 === 0) || (i % 7 === 3 && i % 3 !== 0) ? 1 : 0);
  }
  const train = { x: { data: Float64Array.from(data), rows: 80, cols: 3 }, y: Float64Array.from(labels) };
  const test: Matrix = {
    data: Float64Array.from([2, NaN, 0.1, 7.5, 5, 0.3, 9.9, 28, NaN, 0.5, 14, 0, 6.2, NaN, 0.4]),
    rows: 5,
    cols: 3,
  };
  const params = { num_leaves: 4, n_estimators: 3, learning_rate: 0.1, min_samples_leaf: 5, max_bins: 8 };

  it('gives the raw scores of scikit-learn 1.2.1 with the same settings', () => {
    // HistGradientBoostingClassifier(max_leaf_nodes=4, max_iter=3, learning_rate=0.1,
    // min_samples_leaf=5, max_bins=8, early_stopping=False).fit(x, y): decision_function(test),
    // _baseline_prediction, bin_thresholds_[0] and its first tree.
    const sklearn = [
      -0.028408787025234104, 0.3084333479504704, 0.3084333479504704, -0.2571098376509474, 0.3084333479504704,
    ];
    const model = trainGbdt(train, { rng: new SeededRng(0), params: { ...params, compat: 'sklearn' } });
    expect(model.baseScore).toBeCloseTo(0.0500104205746612, 15);
    rawOf(model, test).forEach((v, i) => expect(v).toBeCloseTo(sklearn[i], 12));
    const [first] = model.trees;
    // Root "x0 <= 4.95" (a percentile midpoint), then feature 1: every finite value left, missing right.
    expect([first.splitFeature[0], first.threshold[0]]).toEqual([0, 4.95]);
    const left = first.leftChild[0];
    expect([first.splitFeature[left], first.threshold[left], first.defaultLeft[left]]).toEqual([
      1,
      Number.MAX_VALUE,
      0,
    ]);
    expect(Array.from(first.leafValue).sort((a, b) => a - b)).toEqual(
      [-0.12507817087768455, -0.027239242369992363, -0.005003122254607782, 0.08505316421269979].map((v) =>
        expect.closeTo(v, 14),
      ),
    );
  });

  it('is not what the defaults grow', () => {
    const model = trainGbdt(train, { rng: new SeededRng(0), params });
    const raw = rawOf(model, test);
    expect(Math.abs(raw[0] - -0.028408787025234104)).toBeGreaterThan(1e-3);
    // The defaults cannot send the missing values of feature 1 alone to one side.
    expect(model.trees[0].threshold).not.toContain(Number.MAX_VALUE);
  });
});

describe('trainGbdt: weights', () => {
  it('treats scale_pos_weight like a weight on every positive row', () => {
    const { x, y } = xorData(400, 10);
    const params = { n_estimators: 5, subsample: 0.8 };
    const a = trainGbdt({ x, y }, { rng: new SeededRng(1), params: { ...params, scale_pos_weight: 3 } });
    const b = trainGbdt(
      { x, y, weights: y.map((v) => (v === 1 ? 3 : 1)) },
      { rng: new SeededRng(1), params },
    );
    expect(rawOf(a, x)).toEqual(rawOf(b, x));
  });

  it('gives the same model when every weight doubles (λ = 0)', () => {
    const { x, y } = regressionData(300, 11);
    const params = { objective: 'regression', n_estimators: 5, min_child_weight: 0, lambda_l2: 0 };
    const a = trainGbdt({ x, y }, { rng: new SeededRng(1), params });
    const b = trainGbdt(
      { x, y, weights: new Float64Array(y.length).fill(2) },
      { rng: new SeededRng(1), params },
    );
    const ra = rawOf(a, x);
    rawOf(b, x).forEach((v, i) => expect(v).toBeCloseTo(ra[i], 12));
  });
});

describe('trainGbdt: determinism', () => {
  it('gives the same model for the same seed, with row and column sampling', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (seed) => {
        const { x, y } = xorData(200, seed % 7, 2);
        const params = { n_estimators: 5, subsample: 0.7, colsample_bytree: 0.7, min_samples_leaf: 3 };
        const fit = (): string => saveGbdt(trainGbdt({ x, y }, { rng: new SeededRng(seed), params }));
        expect(fit()).toBe(fit());
      }),
      { numRuns: 8 },
    );
  });

  it('draws different rows for a different seed', () => {
    const { x, y } = xorData(300, 12, 2);
    const params = { n_estimators: 5, subsample: 0.5 };
    const fit = (seed: number): string => saveGbdt(trainGbdt({ x, y }, { rng: new SeededRng(seed), params }));
    expect(fit(1)).not.toBe(fit(2));
  });
});

describe('trainGbdt: bad input', () => {
  const x = column(1, 2, 3);
  const rng = new SeededRng(0);
  const fails = (f: () => unknown, code: string, text: string): void => {
    expect(f).toThrow(AppError);
    expect(f).toThrow(text);
    try {
      f();
    } catch (err) {
      expect((err as AppError).code).toBe(code);
    }
  };

  it('names the fault', () => {
    fails(
      () => trainGbdt({ x, y: Float64Array.from([0, 1, 2]) }, { rng }),
      'VALIDATION_FAILED',
      'row 2 has 2',
    );
    fails(
      () => trainGbdt({ x, y: Float64Array.from([0, 1]) }, { rng }),
      'VALIDATION_FAILED',
      '2 labels for 3 rows',
    );
    fails(
      () =>
        trainGbdt({ x, y: Float64Array.from([0, 1, 1]), weights: Float64Array.from([1, -1, 1]) }, { rng }),
      'VALIDATION_FAILED',
      'weight of row 1',
    );
    fails(
      () =>
        trainGbdt({ x: { data: new Float64Array(5), rows: 3, cols: 2 }, y: new Float64Array(3) }, { rng }),
      'VALIDATION_FAILED',
      'expected rows × cols = 6',
    );
    fails(
      () => trainGbdt({ x, y: Float64Array.from([0, 1, 1]) }, { rng, params: { early_stopping_rounds: 3 } }),
      'INVALID_HYPERPARAMETER',
      'early_stopping_rounds needs a validation set',
    );
    fails(
      () =>
        trainGbdt(
          { x, y: Float64Array.from([0, 1, 1]) },
          { rng, valid: { x: { data: new Float64Array(2), rows: 1, cols: 2 }, y: Float64Array.from([1]) } },
        ),
      'VALIDATION_FAILED',
      'valid: 2 columns, the training set has 1',
    );
    fails(
      () => trainGbdt({ x, y: new Float64Array(3) }, { rng, params: { learning_rate: 2 } }),
      'INVALID_HYPERPARAMETER',
      'learning_rate',
    );
  });

  it('trains a constant model on one class without failing', () => {
    const model = trainGbdt({ x, y: new Float64Array(3) }, { rng, params: { n_estimators: 3 } });
    const p = new Float64Array(3);
    predict(model, x, p);
    for (const v of p) expect(v).toBeLessThan(1e-9);
  });
});
