import { contributions, createMatrix, goesLeft, leafOf, type GbdtModel } from '../ml/index.js';

/** Trees with more splits than this key their patterns by strings (a 31-bit mask holds the rest). */
const MASK_BITS = 30;
/** Keys are tree · 2^31 + mask: exact in a double, unique across trees. */
const TREE_STRIDE = 2 ** 31;
const EMPTY = -1;

/**
 * Exact TreeSHAP, remembered per tree, and the raw score on the way. A tree's path-dependent SHAP
 * values depend on the row only through the direction it takes at each of the tree's splits, and so
 * does its leaf: rows that agree on every split of a tree share that tree's values and leaf value,
 * computed once. The raw score is `predictRaw`'s bit for bit (the same sums in the same order); the
 * values are those of `contributions` on the whole model up to rounding (each tree's values are
 * summed on their own, then added, where the whole model adds each path's share as it goes).
 *
 * Laid out for the cache, since a request finds little of it warm: every tree's splits in three
 * arrays side by side, one hash table for all trees (open addressing on typed arrays) and one slab
 * holding each remembered pattern's values and leaf value in `cols + 1` adjacent doubles.
 */
export class ContributionCache {
  private readonly cols: number;
  private readonly stride: number;
  /** Tree t's splits are [splitStart[t], splitStart[t + 1]) of the three packed arrays. */
  private readonly splitStart: Int32Array;
  private readonly splitFeature: Int32Array;
  private readonly threshold: Float64Array;
  private readonly defaultLeft: Uint8Array;
  /** Trees of more than MASK_BITS splits: string pattern → slot (null for the others). */
  private readonly wide: (Map<string, number> | null)[];
  private readonly single: GbdtModel[];
  private keys: Float64Array;
  private slots: Int32Array;
  private slab: Float64Array;
  private size = 0;
  private readonly maxSize: number;
  private readonly row: Float64Array;
  private readonly scratch: Float64Array;

  constructor(
    private readonly model: GbdtModel,
    /** Remembered direction patterns per tree, on average; when all are taken, the memory starts over. */
    maxPerTree = 4096,
  ) {
    const trees = model.trees;
    this.cols = model.numFeatures;
    this.stride = this.cols + 1;
    this.maxSize = Math.max(1, maxPerTree * trees.length);
    this.splitStart = new Int32Array(trees.length + 1);
    for (let t = 0; t < trees.length; t++)
      this.splitStart[t + 1] = this.splitStart[t] + Math.max(0, trees[t].numLeaves - 1);
    const splits = this.splitStart[trees.length];
    this.splitFeature = new Int32Array(splits);
    this.threshold = new Float64Array(splits);
    this.defaultLeft = new Uint8Array(splits);
    for (let t = 0; t < trees.length; t++) {
      const tree = trees[t];
      const at = this.splitStart[t];
      const n = this.splitStart[t + 1] - at;
      this.splitFeature.set(tree.splitFeature.subarray(0, n), at);
      this.threshold.set(tree.threshold.subarray(0, n), at);
      this.defaultLeft.set(tree.defaultLeft.subarray(0, n), at);
    }
    this.wide = trees.map((tree) => (tree.numLeaves - 1 > MASK_BITS ? new Map() : null));
    this.single = trees.map((tree) => ({ ...model, baseScore: 0, trees: [tree] }));
    // Small at first (both grow by doubling): a model scored on few distinct rows stays small.
    this.keys = new Float64Array(64).fill(EMPTY);
    this.slots = new Int32Array(64);
    this.slab = new Float64Array(Math.min(16, this.maxSize) * this.stride);
    this.row = new Float64Array(this.cols);
    this.scratch = new Float64Array(this.cols + 1);
  }

  /**
   * Writes each feature's contribution to the row's raw score (without the expected value) into
   * `out` and returns the row's raw score, as `predictRaw` gives it.
   */
  explain(x: ArrayLike<number>, out: Float64Array): number {
    const cols = this.cols;
    this.row.set(x);
    out.fill(0, 0, cols);
    const trees = this.model.trees;
    let raw = this.model.baseScore;
    for (let t = 0; t < trees.length; t++) {
      const tree = trees[t];
      if (tree.numLeaves === 1) {
        raw += tree.leafValue[0];
        continue;
      }
      const at = this.slotOf(t) * this.stride;
      const slab = this.slab; // after slotOf, which may have grown it
      for (let c = 0; c < cols; c++) out[c] += slab[at + c];
      raw += slab[at + cols];
    }
    return raw;
  }

  /** The slot of tree `t`'s values for the current row, computed and remembered when new. */
  private slotOf(t: number): number {
    const wide = this.wide[t];
    if (wide !== null) {
      const key = this.wideKey(t);
      const slot = wide.get(key);
      if (slot !== undefined) return slot;
      const added = this.remember(t);
      wide.set(key, added);
      return added;
    }
    const key = t * TREE_STRIDE + this.mask(t);
    const keys = this.keys;
    const last = keys.length - 1;
    let i = hash(t, key - t * TREE_STRIDE) & last;
    for (;;) {
      const k = keys[i];
      if (k === key) return this.slots[i];
      if (k === EMPTY) break;
      i = (i + 1) & last;
    }
    const slot = this.remember(t);
    if (slot === 0) return this.insert(t, key, slot);
    keys[i] = key;
    this.slots[i] = slot;
    if (this.size * 2 > keys.length) this.rehash(keys.length * 2);
    return slot;
  }

  /** The row's direction at every split of tree `t` (bit i set = left, by `goesLeft`). */
  private mask(t: number): number {
    const { splitFeature, threshold, defaultLeft, row } = this;
    const from = this.splitStart[t];
    const n = this.splitStart[t + 1] - from;
    let mask = 0;
    for (let i = 0; i < n; i++) {
      const v = row[splitFeature[from + i]];
      if (goesLeft(v, threshold[from + i], defaultLeft[from + i])) mask |= 1 << i;
    }
    return mask;
  }

  private wideKey(t: number): string {
    const { splitFeature, threshold, defaultLeft, row } = this;
    let key = '';
    for (let i = this.splitStart[t]; i < this.splitStart[t + 1]; i++) {
      const v = row[splitFeature[i]];
      key += goesLeft(v, threshold[i], defaultLeft[i]) ? '1' : '0';
    }
    return key;
  }

  /**
   * Computes tree `t`'s values and leaf value for the current row into a new slot (growing the slab,
   * or starting over when full: then the slot is 0 and the table is empty).
   */
  private remember(t: number): number {
    if (this.size >= this.maxSize) this.clear();
    const slot = this.size++;
    const need = (slot + 1) * this.stride;
    if (need > this.slab.length) {
      const grown = new Float64Array(Math.min(this.slab.length * 2, this.maxSize * this.stride));
      grown.set(this.slab);
      this.slab = grown;
    }
    contributions(this.single[t], createMatrix(this.row, 1, this.cols), this.scratch);
    const at = slot * this.stride;
    this.slab.set(this.scratch.subarray(0, this.cols), at);
    const tree = this.model.trees[t];
    this.slab[at + this.cols] = tree.leafValue[leafOf(tree, this.row, 0)];
    return slot;
  }

  /** Puts a key into the table (its probe position found afresh: the table may have been cleared). */
  private insert(t: number, key: number, slot: number): number {
    const last = this.keys.length - 1;
    let i = hash(t, key - t * TREE_STRIDE) & last;
    while (this.keys[i] !== EMPTY) i = (i + 1) & last;
    this.keys[i] = key;
    this.slots[i] = slot;
    return slot;
  }

  private rehash(capacity: number): void {
    const { keys, slots } = this;
    this.keys = new Float64Array(capacity).fill(EMPTY);
    this.slots = new Int32Array(capacity);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key === EMPTY) continue;
      const t = Math.floor(key / TREE_STRIDE);
      this.insert(t, key, slots[i]);
    }
  }

  private clear(): void {
    this.keys.fill(EMPTY);
    for (const m of this.wide) m?.clear();
    this.size = 0;
  }
}

function hash(t: number, mask: number): number {
  return Math.imul(mask ^ Math.imul(t, 0x27d4eb2d), 0x9e3779b1) ^ (mask >>> 15);
}
