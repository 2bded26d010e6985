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
  /** Offset of each feature's first bin in a flat histogram; each feature has numBins + 1 slots. */
  readonly offset: Int32Array;
  /** Slots in a flat histogram over all features. */
  readonly totalBins: number;
}

/** Learns ≤ maxBins finite bins per feature from the finite values (on a seeded sample when large). */
export function fitBinMapper(x: Matrix, maxBins: number, rng: Rng): BinMapper {
  const rows = sampleRows(x.rows, rng);
  const values = new Float64Array(rows.length);
  const scratch = new SortScratch(rows.length);
  const upper: Float64Array[] = [];
  const numBins = new Int32Array(x.cols);
  const offset = new Int32Array(x.cols);
  let total = 0;
  for (let f = 0; f < x.cols; f++) {
    let n = 0;
    for (let i = 0; i < rows.length; i++) {
      const v = x.data[rows[i] * x.cols + f];
      if (Number.isFinite(v)) values[n++] = v;
    }
    const cuts = findCuts(sortFloat64(values.subarray(0, n), scratch), maxBins);
    upper.push(cuts);
    numBins[f] = cuts.length + 1;
    offset[f] = total;
    total += numBins[f] + 1;
  }
  return { numFeatures: x.cols, numBins, upper, offset, totalBins: total };
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
