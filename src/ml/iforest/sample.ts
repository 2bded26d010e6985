import type { Rng } from '../../shared/index.js';

/**
 * Writes `out.length` distinct values of [0, pool.length) into `out`: a partial Fisher–Yates
 * shuffle of `pool`, which must hold a permutation and stays one, so it is reused across trees
 * without resetting (O(out.length) per draw).
 */
export function drawWithoutReplacement(pool: Int32Array, out: Int32Array, rng: Rng): void {
  const n = pool.length;
  for (let i = 0; i < out.length; i++) {
    const j = i + rng.int(n - i);
    const v = pool[j];
    pool[j] = pool[i];
    pool[i] = v;
    out[i] = v;
  }
}

/** Fills `out` with uniform draws from [0, n), repeats allowed. */
export function drawWithReplacement(n: number, out: Int32Array, rng: Rng): void {
  for (let i = 0; i < out.length; i++) out[i] = rng.int(n);
}

/** The identity permutation 0 … n−1. */
export function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}
