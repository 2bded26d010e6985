import { SeededRng } from '../../shared/index.js';
import type { Matrix } from '../matrix.js';

/** Generated data sets for the GBDT tests (no files): small, seeded, with a known structure. */
export interface Generated {
  x: Matrix;
  y: Float64Array;
}

/**
 * XOR: y = 1 when the signs of x0 and x1 differ, plus `noise` pure-noise columns and a share
 * `flip` of flipped labels. No linear score of the features can rank it better than chance.
 */
export function xorData(rows: number, seed: number, noise = 1, flip = 0): Generated {
  const rng = new SeededRng(seed);
  const cols = 2 + noise;
  const data = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) data[r * cols + c] = rng.next() * 2 - 1;
    const label = data[r * cols] * data[r * cols + 1] < 0 ? 1 : 0;
    y[r] = rng.next() < flip ? 1 - label : label;
  }
  return { x: { data, rows, cols }, y };
}

/** A smooth non-linear regression target: y = sin(3·x0) + x1² + N(0, noise²). */
export function regressionData(rows: number, seed: number, noise = 0.1): Generated {
  const rng = new SeededRng(seed);
  const cols = 3;
  const data = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) data[r * cols + c] = rng.next() * 2 - 1;
    y[r] = Math.sin(3 * data[r * cols]) + data[r * cols + 1] ** 2 + noise * rng.normal();
  }
  return { x: { data, rows, cols }, y };
}

/** Sets a share `rate` of the values of every column to NaN. */
export function withMissing(x: Matrix, rate: number, seed: number): Matrix {
  const rng = new SeededRng(seed);
  const data = x.data.map((v) => (rng.next() < rate ? NaN : v));
  return { data, rows: x.rows, cols: x.cols };
}
