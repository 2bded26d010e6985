/**
 * Gradient histograms: for each feature bin, the sums of gradient, hessian and row count of the rows
 * in a leaf, interleaved as [g, h, count] at slot `3 * (offset[f] + bin)` of one Float64Array.
 */

/** A zeroed histogram over `totalBins` slots. */
export function newHistogram(totalBins: number): Float64Array {
  return new Float64Array(totalBins * 3);
}

/** Zeroes the slots of the given features. */
export function clearHistogram(
  hist: Float64Array,
  features: Int32Array,
  offset: Int32Array,
  numBins: Int32Array,
): void {
  for (let k = 0; k < features.length; k++) {
    const f = features[k];
    hist.fill(0, offset[f] * 3, (offset[f] + numBins[f] + 1) * 3);
  }
}

/**
 * Sibling subtraction: turns `parent` into the histogram of the larger child, parent − smaller,
 * in place, for the given features. Saves building the larger child from its rows.
 */
export function subtractHistogram(
  parent: Float64Array,
  smaller: Float64Array,
  features: Int32Array,
  offset: Int32Array,
  numBins: Int32Array,
): void {
  for (let k = 0; k < features.length; k++) {
    const f = features[k];
    const end = (offset[f] + numBins[f] + 1) * 3;
    for (let s = offset[f] * 3; s < end; s++) parent[s] -= smaller[s];
  }
}

/**
 * Bins of a list of features packed four to one Uint32 per row (feature 4j + k of the list in byte
 * k of group j, column-major over groups), so one load fetches four bins. A list whose length is not
 * a multiple of four is padded with bin 0 of a spare slot at `spare`, which is never read.
 */
export interface PackedBins {
  readonly features: Int32Array;
  readonly groups: number;
  readonly words: Uint32Array;
  /** Histogram index (×3) of bin 0 of each packed feature, 4 per group. */
  readonly base: Int32Array;
}

export function packBins(
  bins: Uint8Array,
  numRows: number,
  features: Int32Array,
  offset: Int32Array,
  spare: number,
): PackedBins {
  const groups = (features.length + 3) >> 2;
  const words = new Uint32Array(groups * numRows);
  const base = new Int32Array(groups * 4).fill(spare * 3);
  for (let k = 0; k < features.length; k++) {
    const f = features[k];
    base[k] = offset[f] * 3;
    const col = f * numRows;
    const at = (k >> 2) * numRows;
    const shift = (k & 3) * 8;
    for (let r = 0; r < numRows; r++) words[at + r] |= bins[col + r] << shift;
  }
  return { features, groups, words, base };
}

/**
 * Adds the rows `rows[begin … end)` into `hist` for the packed features, one pass over the rows per
 * four features. `gh` holds each row's gradient and hessian interleaved, ordered like `rows[begin …]`
 * (gathered once per leaf so the inner loop reads them sequentially).
 */
export function buildHistogram(
  hist: Float64Array,
  packed: PackedBins,
  numRows: number,
  rows: Int32Array,
  begin: number,
  end: number,
  gh: Float64Array,
): void {
  for (let j = 0; j < packed.groups; j++) {
    addRows4(hist, packed.words, j * numRows, packed.base, j * 4, rows, begin, end, gh);
  }
}

function addRows4(
  hist: Float64Array,
  words: Uint32Array,
  at: number,
  base: Int32Array,
  k: number,
  rows: Int32Array,
  begin: number,
  end: number,
  gh: Float64Array,
): void {
  const b0 = base[k];
  const b1 = base[k + 1];
  const b2 = base[k + 2];
  const b3 = base[k + 3];
  const m = end - begin;
  for (let i = 0; i < m; i++) {
    const w = words[at + rows[begin + i]];
    const g = gh[2 * i];
    const h = gh[2 * i + 1];
    const s0 = b0 + (w & 255) * 3;
    hist[s0] += g;
    hist[s0 + 1] += h;
    hist[s0 + 2] += 1;
    const s1 = b1 + ((w >>> 8) & 255) * 3;
    hist[s1] += g;
    hist[s1 + 1] += h;
    hist[s1 + 2] += 1;
    const s2 = b2 + ((w >>> 16) & 255) * 3;
    hist[s2] += g;
    hist[s2 + 1] += h;
    hist[s2 + 2] += 1;
    const s3 = b3 + (w >>> 24) * 3;
    hist[s3] += g;
    hist[s3 + 1] += h;
    hist[s3 + 2] += 1;
  }
}
