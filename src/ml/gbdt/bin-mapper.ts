import type { Rng } from '../../shared/index.js';
import type { Matrix } from '../matrix.js';
import { selectSorted } from './sampling.js';
import { SortScratch, sortFloat64 } from './sort.js';

/** Binning is learnt from at most this many rows (as LightGBM does); more adds time, not accuracy. */
const BIN_SAMPLE_ROWS = 200_000;

/**
 * Per-feature quantile bins. Finite bins of feature f are 0 … numBins[f]−1, bin b holding values
 * ≤ upper[f][b] (the last bin is unbounded above); NaN goes to bin numBins[f], its own.
 */
export interface BinMapper {
  readonly numFeatures: number;
  /** Finite bins per feature (≥ 1); a feature with 1 bin cannot be split. */
  readonly numBins: Int32Array;
  /** Upper bounds of bins 0 … numBins−2 of each feature, strictly increasing, finite. */
  readonly upper: readonly Float64Array[];
  /** Largest finite value of each feature in the rows binned (NaN when it has none). */
  readonly highest: Float64Array;
  /** Offset of each feature's first bin in a flat histogram; each feature has numBins + 1 slots. */
  readonly offset: Int32Array;
  /** Slots in a flat histogram over all features. */
  readonly totalBins: number;
}

/**
 * How bin boundaries are placed: `midpoint` like scikit-learn's HistGradientBoosting (see `findCuts`),
 * `sklearn` as scikit-learn 1.2's HistGradientBoosting to the last bit (see `findCutsSklearn`),
 * `xgboost` as XGBoost 1.7's `hist` (see `findCutsXgboost`).
 */
export type Binning = 'midpoint' | 'sklearn' | 'xgboost';

/** Learns ≤ maxBins finite bins per feature from the finite values (on a seeded sample when large). */
export function fitBinMapper(x: Matrix, maxBins: number, rng: Rng, binning: Binning = 'midpoint'): BinMapper {
  const rows = sampleRows(x.rows, rng);
  const values = new Float64Array(rows.length);
  const scratch = new SortScratch(rows.length);
  const upper: Float64Array[] = [];
  const highest = new Float64Array(x.cols);
  const numBins = new Int32Array(x.cols);
  const offset = new Int32Array(x.cols);
  let total = 0;
  for (let f = 0; f < x.cols; f++) {
    let n = 0;
    for (let i = 0; i < rows.length; i++) {
      const v = x.data[rows[i] * x.cols + f];
      if (Number.isFinite(v)) values[n++] = v;
    }
    const sorted = sortFloat64(values.subarray(0, n), scratch);
    highest[f] = n > 0 ? sorted[n - 1] : NaN;
    const cuts =
      binning === 'xgboost'
        ? findCutsXgboost(sorted, maxBins)
        : binning === 'sklearn'
          ? findCutsSklearn(sorted, maxBins)
          : findCuts(sorted, maxBins);
    upper.push(cuts);
    numBins[f] = cuts.length + 1;
    offset[f] = total;
    total += numBins[f] + 1;
  }
  return { numFeatures: x.cols, numBins, upper, highest, offset, totalBins: total };
}

/**
 * Cut points of a sorted sample. With at most `maxBins` distinct values, one bin per value (cuts
 * halfway between neighbours); otherwise equal-frequency bins: the cuts are the 1/maxBins …
 * (maxBins−1)/maxBins quantiles, each halfway between the two order statistics around it (as
 * scikit-learn's HistGradientBoosting bins), with repeats dropped — so heavy ties give fewer bins.
 */
export function findCuts(sorted: Float64Array, maxBins: number): Float64Array {
  const n = sorted.length;
  let distinct = 0;
  for (let i = 0; i < n && distinct <= maxBins; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const cuts: number[] = [];
  if (distinct <= maxBins) {
    for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) cuts.push(between(sorted[i - 1], sorted[i]));
    return Float64Array.from(cuts);
  }
  for (let q = 1; q < maxBins; q++) {
    const pos = (q / maxBins) * (n - 1);
    const cut = between(sorted[Math.floor(pos)], sorted[Math.ceil(pos)]);
    if (cuts.length === 0 || cut > cuts[cuts.length - 1]) cuts.push(cut);
  }
  return Float64Array.from(cuts);
}

/**
 * Cut points as scikit-learn 1.2's HistGradientBoosting computes them, rounding included, for
 * `compat: 'sklearn'`. With at most `maxBins` distinct values: (a + b) × 0.5 for each pair of
 * neighbouring distinct values. Otherwise numpy's `percentile(…, method="midpoint")` at k × (100 /
 * maxBins) percent, k = 1 … maxBins−1: at position (n−1) × q (q = percent / 100) the value there when
 * the position is whole, else b − (b − a) × 0.5 of the two order statistics around it. Cuts above 1e300
 * are lowered to it. A repeated cut is kept once (scikit-learn keeps the repeat: an empty bin, which
 * no split can use, so the trees are the same). `findCuts` places the same cuts up to rounding.
 */
export function findCutsSklearn(sorted: Float64Array, maxBins: number): Float64Array {
  const n = sorted.length;
  let distinct = 0;
  for (let i = 0; i < n && distinct <= maxBins; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const cuts: number[] = [];
  const push = (c: number): void => {
    const cut = Math.min(c, SKLEARN_ALMOST_INF);
    if (cuts.length === 0 || cut > cuts[cuts.length - 1]) cuts.push(cut);
  };
  if (distinct <= maxBins) {
    for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) push((sorted[i - 1] + sorted[i]) * 0.5);
    return Float64Array.from(cuts);
  }
  const step = 100 / maxBins;
  for (let k = 1; k < maxBins; k++) {
    const pos = (n - 1) * ((k * step) / 100);
    const lo = Math.floor(pos);
    if (lo === pos) push(sorted[lo]);
    else {
      const a = sorted[lo];
      const b = sorted[Math.min(lo + 1, n - 1)];
      push(b - (b - a) * 0.5);
    }
  }
  return Float64Array.from(cuts);
}

/** scikit-learn's ceiling on bin thresholds (ALMOST_INF). */
const SKLEARN_ALMOST_INF = 1e300;

/**
 * Cut points as XGBoost 1.7's `hist` places them, returned as upper bounds like `findCuts`'. XGBoost
 * keeps a weighted quantile summary of each feature (every distinct value with the range of ranks it
 * covers), prunes it to its sketch's size limit, then to 8 × maxBins entries, then to maxBins + 1
 * entries — each prune keeping the first and last entry and, for evenly spaced target ranks, the entry
 * nearest each — and the kept values from the second on are its cuts: a row goes left of a cut when
 * its value is below it. So each cut is a training value, and a value between two training values
 * goes with the lower one (HistGradientBoosting's midpoint sends it to the nearer one). XGBoost holds
 * values in single precision, so the cuts are the values rounded to it and a value goes left when its
 * rounding is below the cut; as upper bounds: the largest double that rounds below each cut
 * (`belowFloat32`). With at most maxBins distinct values this is one bin per value, as `findCuts`
 * (values equal in single precision share a bin). XGBoost's sketch is exact while a column fits its
 * buffer (twice the size limit: 4,082 rows at 255 bins, 8,162 up to 16,324 rows, counting runs of
 * equal values in row order as one); beyond that it approximates ranks, this does not.
 */
export function findCutsXgboost(sorted: Float64Array, maxBins: number): Float64Array {
  const n = sorted.length;
  if (n === 0) return new Float64Array(0);
  // The exact summary of the values in single precision: distinct value k covers ranks
  // [rankLo[k], rankHi[k]). Rounding keeps the order.
  const value = new Float64Array(n);
  const rankLo = new Int32Array(n);
  const rankHi = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; m++) {
    const v = Math.fround(sorted[i]);
    let j = i + 1;
    while (j < n && Math.fround(sorted[j]) === v) j++;
    value[m] = v;
    rankLo[m] = i;
    rankHi[m] = j;
    i = j;
  }
  const intermediate = Math.min(n, 8 * maxBins);
  const bins = Math.min(intermediate, maxBins);
  let kept: Int32Array = new Int32Array(m);
  for (let k = 0; k < m; k++) kept[k] = k;
  for (const size of [sketchLimit(n, maxBins), intermediate, bins + 1]) {
    kept = pruneSummary(kept, rankLo, rankHi, size);
  }
  const cuts = new Float64Array(Math.max(0, Math.min(kept.length, bins) - 1));
  for (let k = 0; k < cuts.length; k++) cuts[k] = belowFloat32(value[kept[k + 1]]);
  return cuts;
}

/**
 * The upper bound of XGBoost's top bin for a feature whose largest value is `highest`: its last cut,
 * highest + (|highest| + 1e-5) in single precision, as `belowFloat32`.
 */
export function xgboostTopBound(highest: number): number {
  const f = Math.fround;
  const top = f(highest);
  return belowFloat32(f(top + f(Math.abs(top) + f(1e-5))));
}

/**
 * The largest double whose single-precision rounding is below the single-precision number c: a value
 * v ≤ this exactly when Math.fround(v) < c.
 */
export function belowFloat32(c: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, c);
  const bits = view.getInt32(0);
  if (c === 0) view.setInt32(0, 0x80000001);
  else view.setInt32(0, c > 0 ? bits - 1 : bits + 1);
  const below = view.getFloat32(0);
  // Halfway between the two single-precision neighbours (exact in double): rounds to even.
  const mid = below + (c - below) / 2;
  return Math.fround(mid) < c ? mid : nextDown(mid);
}

/** The size limit of XGBoost's quantile sketch for n values at ε = 1 / (8 × bins). */
function sketchLimit(n: number, maxBins: number): number {
  const eps = 1 / (Math.min(maxBins, n) * 8);
  for (let levels = 1; ; levels++) {
    const limit = Math.min(n, Math.ceil(levels / eps) + 1);
    if (2 ** levels * limit >= n) return limit;
  }
}

/**
 * Prunes the summary entries `kept` (indices of distinct values, in order) to at most `size`: keeps
 * the first and the last, and for each of the size − 2 evenly spaced ranks between them the entry
 * whose rank range lies nearest (ranks in single precision, as XGBoost keeps them).
 */
function pruneSummary(kept: Int32Array, rankLo: Int32Array, rankHi: Int32Array, size: number): Int32Array {
  const m = kept.length;
  if (m <= size) return kept;
  const f = Math.fround;
  const first = rankHi[kept[0]];
  const range = f(rankLo[kept[m - 1]] - first);
  const steps = size - 1;
  const out = new Int32Array(size);
  out[0] = kept[0];
  let count = 1;
  let i = 1;
  let last = 0;
  for (let k = 1; k < steps; k++) {
    // Twice the target rank, compared with the sums of each entry's lowest and highest rank.
    const target2 = f(2 * f(f(f(k * range) / steps) + first));
    while (i < m - 1 && target2 >= rankHi[kept[i + 1]] + rankLo[kept[i + 1]]) i++;
    const pick = target2 < rankHi[kept[i]] + rankLo[kept[i + 1]] ? i : i + 1;
    if (pick !== last) {
      out[count++] = kept[pick];
      last = pick;
    }
  }
  if (last !== m - 1) out[count++] = kept[m - 1];
  return out.subarray(0, count);
}

/** The largest double below the finite number v. */
export function nextDown(v: number): number {
  if (v === 0) return -Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigInt64(0);
  view.setBigInt64(0, v > 0 ? bits - 1n : bits + 1n);
  return view.getFloat64(0);
}

/** The midpoint of a ≤ b, kept below b when they differ (rounding could otherwise land on b). */
function between(a: number, b: number): number {
  const mid = a + (b - a) / 2;
  return mid < b ? mid : a;
}

/** Bin of value v for a feature with the given upper bounds (binary search; NaN → missing bin). */
export function binOf(upper: Float64Array, v: number): number {
  const n = upper.length;
  if (v !== v) return n + 1;
  if (n === 0) return 0;
  // Branch-free lower bound: the window halves a fixed number of times whatever the value, so
  // nothing mispredicts on random data.
  let base = 0;
  let len = n;
  while (len > 1) {
    const half = len >>> 1;
    base = upper[base + half] < v ? base + half : base;
    len -= half;
  }
  return base + (upper[base] < v ? 1 : 0);
}

/** Bins every value into a column-major Uint8Array: bin of (row r, feature f) at `f * rows + r`. */
export function binMatrix(mapper: BinMapper, x: Matrix): Uint8Array {
  const out = new Uint8Array(x.rows * x.cols);
  for (let f = 0; f < x.cols; f++) {
    const up = mapper.upper[f];
    const base = f * x.rows;
    for (let r = 0; r < x.rows; r++) out[base + r] = binOf(up, x.data[r * x.cols + f]);
  }
  return out;
}

function sampleRows(n: number, rng: Rng): Int32Array {
  if (n <= BIN_SAMPLE_ROWS) {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  return selectSorted(n, BIN_SAMPLE_ROWS, rng);
}
