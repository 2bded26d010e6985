import { contributions, createMatrix, type GbdtModel, type Tree } from '../ml/index.js';

/** Keys of more than this many splits are strings (a 31-bit mask holds the rest). */
const MASK_BITS = 30;

/**
 * Exact TreeSHAP, remembered per tree. A tree's path-dependent SHAP values depend on the row only
 * through the direction it takes at each of the tree's splits, so rows that agree on every split of a
 * tree share that tree's values: they are computed once and summed over the trees afterwards. The
 * answer is the same as `contributions` on the whole model (up to rounding of the sum).
 */
export class ContributionCache {
  private readonly single: GbdtModel[];
  /** Per tree: direction pattern → its slot in the tree's slab. */
  private readonly slots: Map<number | string, number>[];
  /** Per tree: the remembered values, `cols` per slot, side by side (few cache lines per lookup). */
  private readonly slabs: Float64Array[];
  private readonly cols: number;
  private readonly row: Float64Array;
  private readonly scratch: Float64Array;

  constructor(
    private readonly model: GbdtModel,
    /** Remembered direction patterns per tree; a full tree's memory starts over. */
    private readonly maxPerTree = 4096,
  ) {
    this.cols = model.numFeatures;
    this.single = model.trees.map((tree) => ({ ...model, baseScore: 0, trees: [tree] }));
    this.slots = model.trees.map(() => new Map());
    this.slabs = model.trees.map(() => new Float64Array(Math.min(16, maxPerTree) * this.cols));
    this.row = new Float64Array(this.cols);
    this.scratch = new Float64Array(this.cols + 1);
  }

  /** Each feature's contribution to the row's raw score (without the expected value), written into `out`. */
  contributions(x: ArrayLike<number>, out: Float64Array = new Float64Array(this.cols)): Float64Array {
    const cols = this.cols;
    this.row.set(x);
    out.fill(0, 0, cols);
    const trees = this.model.trees;
    for (let t = 0; t < trees.length; t++) {
      const tree = trees[t];
      if (tree.numLeaves === 1) continue;
      const key = directions(tree, this.row);
      const slots = this.slots[t];
      let slot = slots.get(key);
      if (slot === undefined) slot = this.remember(t, key);
      const slab = this.slabs[t];
      const at = slot * cols;
      for (let c = 0; c < cols; c++) out[c] += slab[at + c];
    }
    return out;
  }

  /** Computes tree `t`'s values for the current row into a new slot (growing or restarting the slab). */
  private remember(t: number, key: number | string): number {
    const slots = this.slots[t];
    if (slots.size >= this.maxPerTree) slots.clear();
    const slot = slots.size;
    let slab = this.slabs[t];
    if ((slot + 1) * this.cols > slab.length) {
      const grown = new Float64Array(Math.min(slab.length * 2, this.maxPerTree * this.cols));
      grown.set(slab);
      slab = this.slabs[t] = grown;
    }
    contributions(this.single[t], createMatrix(this.row, 1, this.cols), this.scratch);
    slab.set(this.scratch.subarray(0, this.cols), slot * this.cols);
    slots.set(key, slot);
    return slot;
  }
}

/** The row's direction at every split of the tree (1 = left), by the rule `leafOf` follows. */
function directions(tree: Tree, x: Float64Array): number | string {
  const { splitFeature, threshold, defaultLeft } = tree;
  const n = tree.numLeaves - 1;
  if (n <= MASK_BITS) {
    let mask = 0;
    for (let i = 0; i < n; i++) {
      const v = x[splitFeature[i]];
      if (v <= threshold[i] || (v !== v && defaultLeft[i] === 1)) mask |= 1 << i;
    }
    return mask;
  }
  let key = '';
  for (let i = 0; i < n; i++) {
    const v = x[splitFeature[i]];
    key += v <= threshold[i] || (v !== v && defaultLeft[i] === 1) ? '1' : '0';
  }
  return key;
}
