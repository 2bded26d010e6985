import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../shared/index.js';
import {
  belowFloat32,
  binMatrix,
  binOf,
  findCuts,
  findCutsSklearn,
  findCutsXgboost,
  fitBinMapper,
} from './bin-mapper.js';

describe('findCuts', () => {
  it('puts a cut halfway between neighbouring distinct values when they fit', () => {
    expect(Array.from(findCuts(Float64Array.from([1, 2, 2, 3]), 255))).toEqual([1.5, 2.5]);
    expect(Array.from(findCuts(Float64Array.from([5, 5, 5]), 255))).toEqual([]);
  });

  it('spreads 100 distinct values over 4 bins of 25', () => {
    const v = Float64Array.from({ length: 100 }, (_, i) => i);
    expect(Array.from(findCuts(v, 4))).toEqual([24.5, 49.5, 74.5]);
  });

  it('drops repeated quantiles, so heavy ties give fewer bins', () => {
    // 60 zeros then 60 … 99: the 1/4 and 2/4 quantiles are both 0, the 3/4 one lies between 74 and 75.
    const v = Float64Array.from({ length: 100 }, (_, i) => (i < 60 ? 0 : i));
    expect(Array.from(findCuts(v, 4))).toEqual([0, 74.5]);
  });

  it('never places a cut on a value of the next bin, even for adjacent doubles', () => {
    const a = 1;
    const b = 1 + Number.EPSILON;
    const [cut] = findCuts(Float64Array.from([a, b]), 255);
    expect(a <= cut && cut < b).toBe(true);
  });
});

describe('findCutsSklearn', () => {
  // Expected: scikit-learn 1.2.1's _find_binning_thresholds(values, max_bins) on the same values.
  it('rounds the midpoints of distinct values as scikit-learn does: (a + b) × 0.5', () => {
    expect(Array.from(findCutsSklearn(Float64Array.from([0.1, 0.5]), 255))).toEqual([0.3]);
    expect(Array.from(findCutsSklearn(Float64Array.from([0.1, 0.7]), 255))).toEqual([0.39999999999999997]);
    // findCuts rounds a + (b − a) / 2 the other way.
    expect(Array.from(findCuts(Float64Array.from([0.1, 0.5]), 255))).toEqual([0.30000000000000004]);
  });

  it("places percentile midpoints where numpy's percentile(method='midpoint') does", () => {
    const x0 = Float64Array.from({ length: 80 }, (_, i) => ((i * 37) % 101) / 10).sort();
    expect(Array.from(findCutsSklearn(x0, 8))).toEqual([1.15, 2.4, 3.75, 4.95, 6.25, 7.55, 8.8]);
    const roots = Float64Array.from({ length: 301 }, (_, i) => Math.sqrt(i) / 7);
    const cuts = findCutsSklearn(roots, 255);
    expect(cuts.length).toBe(254);
    expect(Array.from(cuts.subarray(0, 8))).toEqual([
      0.1724438258837925, 0.22473316928156944, 0.2665750576834912, 0.30257628410712784, 0.33468269430592623,
      0.3910127454150558, 0.41631622319615647, 0.4401626900120271,
    ]);
    expect(Array.from(findCuts(roots, 255))).not.toEqual(Array.from(cuts));
  });
});

describe('findCutsXgboost', () => {
  const range = (n: number, f: (i: number) => number = (i) => i): Float64Array =>
    Float64Array.from({ length: n }, (_, i) => f(i));
  /** The cuts themselves (a row goes left when below one); the upper bounds lie just below them. */
  const cutsOf = (sorted: Float64Array, maxBins: number): number[] =>
    Array.from(findCutsXgboost(sorted, maxBins), (u) => {
      expect(belowFloat32(Math.round(u))).toBe(u);
      return Math.round(u);
    });

  it('cuts at the next training value, so a value between two goes with the lower one', () => {
    const upper = findCutsXgboost(Float64Array.from([1, 2, 2, 3]), 255);
    expect(Array.from(upper)).toEqual([belowFloat32(2), belowFloat32(3)]);
    // 2.7 lies between the training values 2 and 3: with 2 here, nearer to 3 with the midpoints.
    expect(binOf(upper, 2.7)).toBe(1);
    expect(binOf(findCuts(Float64Array.from([1, 2, 2, 3]), 255), 2.7)).toBe(2);
    expect([1, 2, 3].map((v) => binOf(upper, v))).toEqual([0, 1, 2]);
    expect(findCutsXgboost(Float64Array.from([5, 5, 5]), 255).length).toBe(0);
  });

  it('compares in single precision, as XGBoost holds values', () => {
    // 0.1 and its single-precision rounding (0.10000000149…) are one value to XGBoost.
    const upper = findCutsXgboost(Float64Array.from([0, 0.1, Math.fround(0.1), 0.2]), 255);
    expect(upper.length).toBe(2);
    expect(binOf(upper, 0.1)).toBe(binOf(upper, Math.fround(0.1)));
    for (const c of [0.1, 6, -3.7, 0, 1e-40]) {
      const t = belowFloat32(Math.fround(c));
      expect(Math.fround(t) < Math.fround(c)).toBe(true);
      // The next double up rounds to the cut or above.
      expect(Math.fround(t + Math.max(Math.abs(t) * 2 ** -52, Number.MIN_VALUE)) < Math.fround(c)).toBe(
        false,
      );
    }
  });

  // Expected cuts: the split conditions of XGBoost 1.7.4 (tree_method=hist, max_bin=4, one
  // XGBRegressor tree of y = x with up to 256 leaves, min_child_weight 0, λ 0), which uses them all.
  it('places the cuts of more distinct values than bins where XGBoost 1.7 does', () => {
    expect(cutsOf(range(20), 4)).toEqual([5, 10, 14]);
    expect(cutsOf(range(100), 4)).toEqual([25, 51, 74]);
    // 60 zeros then 60 … 99: the quantile midpoints give [0, 74.5]; XGBoost's ranks skip the ties.
    expect(
      cutsOf(
        range(100, (i) => (i < 60 ? 0 : i)),
        4,
      ),
    ).toEqual([70, 80, 88]);
  });
});

describe('binOf and binMatrix', () => {
  const upper = Float64Array.from([1.5, 2.5]);

  it('bins by upper bound, with NaN in a bin of its own after the finite ones', () => {
    expect([1, 1.5, 2, 2.5, 3, 1e300, -Infinity, Infinity].map((v) => binOf(upper, v))).toEqual([
      0, 0, 1, 1, 2, 2, 0, 2,
    ]);
    expect(binOf(upper, NaN)).toBe(3);
  });

  it('learns bins from finite values only and stores them column-major', () => {
    const x = { data: Float64Array.from([1, 10, 2, NaN, 3, 30, 2, 10]), rows: 4, cols: 2 };
    const mapper = fitBinMapper(x, 255, new SeededRng(0));
    expect(Array.from(mapper.numBins)).toEqual([3, 2]);
    expect(Array.from(mapper.upper[1])).toEqual([20]);
    expect(Array.from(mapper.offset)).toEqual([0, 4]);
    expect(mapper.totalBins).toBe(7);
    // Column 0: 1,2,3,2 → 0,1,2,1; column 1: 10,NaN,30,10 → 0, missing (2), 1, 0.
    expect(Array.from(binMatrix(mapper, x))).toEqual([0, 1, 2, 1, 0, 2, 1, 0]);
  });
});
