import type { Rng } from '../../shared/index.js';

/** Exactly k of 0 … n−1, uniformly, in increasing order (selection sampling, Knuth's algorithm S). */
export function selectSorted(n: number, k: number, rng: Rng): Int32Array {
  const out = new Int32Array(k);
  let chosen = 0;
  for (let i = 0; i < n && chosen < k; i++) {
    if (rng.next() * (n - i) < k - chosen) out[chosen++] = i;
  }
  return out;
}

/** How many of n items a fraction keeps: at least one, rounded up. */
export function sampleSize(n: number, fraction: number): number {
  return Math.min(n, Math.max(1, Math.ceil(fraction * n)));
}
