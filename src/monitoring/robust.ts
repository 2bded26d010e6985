/**
 * Order statistics for the snapshot's signals. Inputs are typed arrays the caller owns; nothing here
 * allocates, because a snapshot runs these over every series of a window.
 */

/** Scale that turns a MAD into a standard deviation for normally distributed data. */
export const MAD_TO_SIGMA = 1.4826;

/** Median of the first `n` values of an ascending array (mean of the middle two when n is even); NaN when n = 0. */
export function medianSorted(sorted: ArrayLike<number>, n: number = sorted.length): number {
  if (n === 0) return NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Nearest-rank quantile of the first `n` values of an ascending array: the smallest observed value with at
 * least a share `q` of the sample at or below it (p95 of 5 values is the largest). NaN when n = 0.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number, n: number = sorted.length): number {
  if (n === 0) return NaN;
  const rank = Math.ceil(q * n);
  return sorted[Math.min(n, Math.max(1, rank)) - 1];
}

/** Copies `values[from, to)` into `out` and sorts it ascending; returns the count. */
export function sortedCopy(values: Float64Array, from: number, to: number, out: Float64Array): number {
  const n = to - from;
  out.set(values.subarray(from, to));
  out.subarray(0, n).sort();
  return n;
}

/** Median absolute deviation (unscaled) of `values[from, to)` around `center`; `scratch` holds ≥ to − from. */
export function medianAbsoluteDeviation(
  values: Float64Array,
  from: number,
  to: number,
  center: number,
  scratch: Float64Array,
): number {
  const n = to - from;
  for (let i = 0; i < n; i++) scratch[i] = Math.abs(values[from + i] - center);
  scratch.subarray(0, n).sort();
  return medianSorted(scratch, n);
}

/** Mean of `values[from, to)`; NaN when empty. */
export function meanOf(values: Float64Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i];
  return sum / (to - from);
}
