import type { Rng } from '../../shared/index.js';
import type { Matrix } from '../matrix.js';
import type { ForestBuilder } from './forest.js';

/** What one tree is grown from; `rows` and `features` are reordered in place. */
export interface TreeInput {
  x: Matrix;
  /** Training row indices of this tree. */
  rows: Int32Array;
  /** Feature indices this tree may split on. */
  features: Int32Array;
  maxDepth: number;
  rng: Rng;
}

/**
 * Grows one isolation tree into `forest` as scikit-learn's ExtraTree with max_features = 1 does:
 * at each node a feature drawn uniformly among those not constant on the node's rows, a threshold
 * uniform in [min, max) of it; a node stops at maxDepth, at one row, or when every feature is
 * constant there.
 */
export function growTree(forest: ForestBuilder, input: TreeInput): void {
  const root = forest.count++;
  grow(forest, input, root, 0, input.rows.length, 0);
}

function grow(
  forest: ForestBuilder,
  input: TreeInput,
  node: number,
  lo: number,
  hi: number,
  depth: number,
): void {
  forest.nodeSize[node] = hi - lo;
  forest.feature[node] = -1;
  forest.threshold[node] = 0;
  forest.left[node] = -1;
  if (depth >= input.maxDepth || hi - lo <= 1) return;
  const { data, cols } = input.x;
  const { rows, features, rng } = input;
  // Visit features in random order until one varies: uniform over the non-constant ones.
  for (let j = 0; j < features.length; j++) {
    const pick = j + rng.int(features.length - j);
    const f = features[pick];
    features[pick] = features[j];
    features[j] = f;
    let min = Infinity;
    let max = -Infinity;
    for (let i = lo; i < hi; i++) {
      const v = data[rows[i] * cols + f];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (!(max > min)) continue;
    let threshold = min + rng.next() * (max - min);
    // Rounding can land on max, which would leave the right side empty.
    if (threshold >= max) threshold = min;
    const mid = partition(data, cols, f, threshold, rows, lo, hi);
    const left = forest.count;
    forest.count += 2;
    forest.feature[node] = f;
    forest.threshold[node] = threshold;
    forest.left[node] = left;
    grow(forest, input, left, lo, mid, depth + 1);
    grow(forest, input, left + 1, mid, hi, depth + 1);
    return;
  }
}

/** Reorders rows[lo, hi) so those with x[f] ≤ threshold come first; returns where the rest start. */
function partition(
  data: Float64Array,
  cols: number,
  f: number,
  threshold: number,
  rows: Int32Array,
  lo: number,
  hi: number,
): number {
  let i = lo;
  let j = hi - 1;
  while (i <= j) {
    if (data[rows[i] * cols + f] <= threshold) i++;
    else {
      const t = rows[i];
      rows[i] = rows[j];
      rows[j] = t;
      j--;
    }
  }
  return i;
}
