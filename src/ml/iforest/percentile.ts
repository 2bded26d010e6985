/**
 * The q-th percentile (0–100) of `values` with linear interpolation between closest ranks, like
 * numpy's default; `values` is left untouched.
 */
export function percentile(values: Float64Array, q: number): number {
  const sorted = values.slice().sort();
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}
