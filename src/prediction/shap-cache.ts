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
  private readonly memo: Map<number | string, Float64Array>[];
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
    this.memo = model.trees.map(() => new Map());
    this.row = new Float64Array(this.cols);
    this.scratch = new Float64Array(this.cols + 1);
  }

  /** Each feature's contribution to the row's raw score (without the expected value), written into `out`. */
  contributions(x: ArrayLike<number>, out: Float64Array = new Float64Array(this.cols)): Float64Array {
    this.row.set(x);
    out.fill(0, 0, this.cols);
    const trees = this.model.trees;
    for (let t = 0; t < trees.length; t++) {
      const tree = trees[t];
      if (tree.numLeaves === 1) continue;
      const key = directions(tree, this.row);
      const memo = this.memo[t];
      let phi = memo.get(key);
      if (phi === undefined) {
        contributions(this.single[t], createMatrix(this.row, 1, this.cols), this.scratch);
        phi = this.scratch.slice(0, this.cols);
        if (memo.size >= this.maxPerTree) memo.clear();
        memo.set(key, phi);
      }
      for (let c = 0; c < this.cols; c++) out[c] += phi[c];
    }
    return out;
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
