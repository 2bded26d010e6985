import type { Matrix } from '../matrix.js';
import type { GbdtModel } from './model.js';
import { assertPredictInput } from './predict.js';
import { expectedValue, goesLeft, treeDepth, type Tree } from './tree.js';

/**
 * Exact TreeSHAP, path-dependent variant (Lundberg, Erion & Lee 2018, algorithm 2). The path of
 * unique features from the root is kept as (feature d, zero fraction z, one fraction o, weight w);
 * each recursion level works on its own copy of the path, stacked in one buffer.
 */
class PathBuffer {
  readonly d: Int32Array;
  readonly z: Float64Array;
  readonly o: Float64Array;
  readonly w: Float64Array;

  constructor(maxDepth: number) {
    const size = ((maxDepth + 2) * (maxDepth + 3)) / 2 + 1;
    this.d = new Int32Array(size);
    this.z = new Float64Array(size);
    this.o = new Float64Array(size);
    this.w = new Float64Array(size);
  }
}

/** The model's expected raw score over its training rows: base score + Σ cover-weighted leaf means. */
export function expectedRaw(model: GbdtModel): number {
  let sum = model.baseScore;
  for (const tree of model.trees) sum += expectedValue(tree);
  return sum;
}

/**
 * Writes SHAP values into `out`, `cols + 1` per row: the contribution of each feature to the raw
 * score, then the expected raw score. Per row they sum to the raw score (up to rounding).
 */
export function contributions(model: GbdtModel, x: Matrix, out: Float64Array): void {
  const width = model.numFeatures + 1;
  assertPredictInput(model, x, out, width);
  let maxDepth = 0;
  for (const tree of model.trees) maxDepth = Math.max(maxDepth, treeDepth(tree));
  const path = new PathBuffer(maxDepth);
  const bias = expectedRaw(model);
  out.fill(0, 0, x.rows * width);
  for (let r = 0; r < x.rows; r++) {
    const phiOff = r * width;
    for (const tree of model.trees) {
      if (tree.numLeaves > 1) recurse(path, tree, x.data, r * x.cols, out, phiOff, 0, 0, 0, 1, 1, -1);
    }
    out[phiOff + model.numFeatures] = bias;
  }
}

function coverOf(tree: Tree, child: number): number {
  return child >= 0 ? tree.internalCover[child] : tree.leafCover[~child];
}

function recurse(
  p: PathBuffer,
  tree: Tree,
  data: Float64Array,
  rowOff: number,
  phi: Float64Array,
  phiOff: number,
  node: number,
  parentOff: number,
  parentLen: number,
  zeroFraction: number,
  oneFraction: number,
  feature: number,
): void {
  const off = parentOff + parentLen;
  p.d.copyWithin(off, parentOff, off);
  p.z.copyWithin(off, parentOff, off);
  p.o.copyWithin(off, parentOff, off);
  p.w.copyWithin(off, parentOff, off);
  extend(p, off, parentLen, zeroFraction, oneFraction, feature);
  let len = parentLen + 1;

  if (node < 0) {
    const v = tree.leafValue[~node];
    for (let i = 1; i < len; i++) {
      phi[phiOff + p.d[off + i]] += unwoundSum(p, off, len, i) * (p.o[off + i] - p.z[off + i]) * v;
    }
    return;
  }
  const f = tree.splitFeature[node];
  const value = data[rowOff + f];
  const left = goesLeft(value, tree.threshold[node], tree.defaultLeft[node]);
  const hot = left ? tree.leftChild[node] : tree.rightChild[node];
  const cold = left ? tree.rightChild[node] : tree.leftChild[node];
  // A feature already on the path is taken off and re-entered with its fractions multiplied through.
  let inZero = 1;
  let inOne = 1;
  for (let k = 1; k < len; k++) {
    if (p.d[off + k] === f) {
      inZero = p.z[off + k];
      inOne = p.o[off + k];
      unwind(p, off, len, k);
      len--;
      break;
    }
  }
  const cover = tree.internalCover[node];
  recurse(p, tree, data, rowOff, phi, phiOff, hot, off, len, (inZero * coverOf(tree, hot)) / cover, inOne, f);
  recurse(p, tree, data, rowOff, phi, phiOff, cold, off, len, (inZero * coverOf(tree, cold)) / cover, 0, f);
}

/** Appends (feature, z, o) to the path of length `len` at `off`, updating the subset-size weights. */
function extend(p: PathBuffer, off: number, len: number, z: number, o: number, feature: number): void {
  const { w } = p;
  p.d[off + len] = feature;
  p.z[off + len] = z;
  p.o[off + len] = o;
  w[off + len] = len === 0 ? 1 : 0;
  for (let i = len - 1; i >= 0; i--) {
    w[off + i + 1] += (o * w[off + i] * (i + 1)) / (len + 1);
    w[off + i] = (z * w[off + i] * (len - i)) / (len + 1);
  }
}

/** Removes element k from the path of length `len`, undoing its effect on the weights. */
function unwind(p: PathBuffer, off: number, len: number, k: number): void {
  const { w } = p;
  const z = p.z[off + k];
  const o = p.o[off + k];
  let next = w[off + len - 1];
  for (let j = len - 2; j >= 0; j--) {
    if (o !== 0) {
      const t = w[off + j];
      w[off + j] = (next * len) / ((j + 1) * o);
      next = t - (w[off + j] * z * (len - j - 1)) / len;
    } else {
      w[off + j] = (w[off + j] * len) / (z * (len - j - 1));
    }
  }
  for (let j = k; j < len - 1; j++) {
    p.d[off + j] = p.d[off + j + 1];
    p.z[off + j] = p.z[off + j + 1];
    p.o[off + j] = p.o[off + j + 1];
  }
}

/** Sum of the weights the path would have with element k removed, without changing it. */
function unwoundSum(p: PathBuffer, off: number, len: number, k: number): number {
  const { w } = p;
  const z = p.z[off + k];
  const o = p.o[off + k];
  let total = 0;
  if (o !== 0) {
    let next = w[off + len - 1];
    for (let j = len - 2; j >= 0; j--) {
      const t = (next * len) / ((j + 1) * o);
      total += t;
      next = w[off + j] - (t * z * (len - j - 1)) / len;
    }
  } else {
    for (let j = len - 2; j >= 0; j--) total += (w[off + j] * len) / (z * (len - j - 1));
  }
  return total;
}
