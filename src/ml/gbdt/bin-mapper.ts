import type { Rng } from '../../shared/index.js';
import type { Matrix } from '../matrix.js';
import { selectSorted } from './sampling.js';

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
    const cuts = findCuts(values.subarray(0, n).sort(), maxBins);
    upper.push(cuts);
    numBins[f] = cuts.length + 1;
    offset[f] = total;
    total += numBins[f] + 1;
  }
  return { numFeatures: x.cols, numBins, upper, offset, totalBins: total };
}

/**
 * Cut points between runs of equal values, greedily so each bin holds about (rows left)/(bins left)
 * values: a value repeated more often than that gets a bin to itself, and the rest share the remainder.
 */
export function findCuts(sorted: Float64Array, maxBins: number): Float64Array {
  const n = sorted.length;
  // Distinct values and their counts, in place of the sorted run (typed arrays: no boxing).
  const distinct = new Float64Array(n);
  const counts = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (k > 0 && sorted[i] === distinct[k - 1]) counts[k - 1]++;
    else {
      distinct[k] = sorted[i];
      counts[k++] = 1;
    }
  }
  const cuts: number[] = [];
  if (k <= maxBins) {
    for (let i = 0; i + 1 < k; i++) cuts.push(between(distinct[i], distinct[i + 1]));
    return Float64Array.from(cuts);
  }
  let rowsLeft = n;
  let binsLeft = maxBins;
  let inBin = 0;
  for (let i = 0; i + 1 < k && binsLeft > 1; i++) {
    inBin += counts[i];
    // Close the bin early if the next value alone would overfill it.
    const target = rowsLeft / binsLeft;
    if (inBin >= target || inBin + counts[i + 1] > 2 * target) {
      cuts.push(between(distinct[i], distinct[i + 1]));
      rowsLeft -= inBin;
      binsLeft--;
      inBin = 0;
    }
  }
  return Float64Array.from(cuts);
}

/** A threshold t with a ≤ t < b (the midpoint unless rounding pushes it onto b). */
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
