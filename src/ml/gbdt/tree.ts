/**
 * One regression tree in flat typed arrays. Internal node i (0 … numLeaves−2) sends row x left when
 * `x[splitFeature[i]] <= threshold[i]`, or when the value is missing (NaN) and `defaultLeft[i]` is 1.
 * A child ≥ 0 is an internal node, a child < 0 is leaf `~child`. Node 0 is the root unless the tree
 * is a single leaf. Children always have larger node indices than their parent.
 */
export interface Tree {
  readonly numLeaves: number;
  readonly splitFeature: Int32Array;
  readonly threshold: Float64Array;
  readonly defaultLeft: Uint8Array;
  readonly leftChild: Int32Array;
  readonly rightChild: Int32Array;
  /** Loss reduction of each split, for gain importance. */
  readonly splitGain: Float64Array;
  /** Training rows that reached each internal node (TreeSHAP weights paths by these). */
  readonly internalCover: Float64Array;
  /** Leaf values, shrinkage included. */
  readonly leafValue: Float64Array;
  /** Training rows that reached each leaf. */
  readonly leafCover: Float64Array;
}

/**
 * The split rule: a value goes left when it is at or below the split's threshold, or when it is
 * missing (NaN) and the split sends missing values left (`defaultLeft` 1).
 */
export function goesLeft(value: number, threshold: number, defaultLeft: number): boolean {
  return value <= threshold || (value !== value && defaultLeft === 1);
}

/** The leaf that the row starting at `data[off]` (row-major) falls into. */
export function leafOf(tree: Tree, data: Float64Array, off: number): number {
  if (tree.numLeaves === 1) return 0;
  const { splitFeature, threshold, defaultLeft, leftChild, rightChild } = tree;
  let node = 0;
  while (node >= 0) {
    const v = data[off + splitFeature[node]];
    node = goesLeft(v, threshold[node], defaultLeft[node]) ? leftChild[node] : rightChild[node];
  }
  return ~node;
}

/** The cover-weighted mean of the leaf values: the tree's expected output over the training rows. */
export function expectedValue(tree: Tree): number {
  let sum = 0;
  let cover = 0;
  for (let l = 0; l < tree.numLeaves; l++) {
    sum += tree.leafValue[l] * tree.leafCover[l];
    cover += tree.leafCover[l];
  }
  return cover > 0 ? sum / cover : 0;
}

/** Depth of the deepest leaf (a single leaf has depth 0). */
export function treeDepth(tree: Tree): number {
  if (tree.numLeaves === 1) return 0;
  let deepest = 0;
  const depth = new Int32Array(tree.numLeaves - 1);
  // Parents come before children, so one forward pass sees each parent's depth first.
  for (let i = 0; i < tree.numLeaves - 1; i++) {
    for (const child of [tree.leftChild[i], tree.rightChild[i]]) {
      if (child >= 0) depth[child] = depth[i] + 1;
      else deepest = Math.max(deepest, depth[i] + 1);
    }
  }
  return deepest;
}

/** Grows one tree leaf by leaf, LightGBM-style: splitting leaf l keeps l on the left, adds a leaf on the right. */
export class TreeBuilder {
  numLeaves = 1;
  private readonly splitFeature: Int32Array;
  private readonly threshold: Float64Array;
  private readonly defaultLeft: Uint8Array;
  private readonly leftChild: Int32Array;
  private readonly rightChild: Int32Array;
  private readonly splitGain: Float64Array;
  private readonly internalCover: Float64Array;
  private readonly leafParent: Int32Array;
  /** Depth of each current leaf. */
  readonly leafDepth: Int32Array;

  constructor(maxLeaves: number) {
    this.splitFeature = new Int32Array(maxLeaves - 1);
    this.threshold = new Float64Array(maxLeaves - 1);
    this.defaultLeft = new Uint8Array(maxLeaves - 1);
    this.leftChild = new Int32Array(maxLeaves - 1);
    this.rightChild = new Int32Array(maxLeaves - 1);
    this.splitGain = new Float64Array(maxLeaves - 1);
    this.internalCover = new Float64Array(maxLeaves - 1);
    this.leafParent = new Int32Array(maxLeaves);
    this.leafDepth = new Int32Array(maxLeaves);
  }

  /** Starts a new tree with a single leaf. */
  reset(): void {
    this.numLeaves = 1;
    this.leafParent[0] = -1;
    this.leafDepth[0] = 0;
  }

  /** Turns `leaf` into an internal node; returns the new right leaf's index. */
  split(
    leaf: number,
    feature: number,
    threshold: number,
    defaultLeft: boolean,
    gain: number,
    cover: number,
  ): number {
    const node = this.numLeaves - 1;
    const right = this.numLeaves;
    const parent = this.leafParent[leaf];
    if (parent >= 0) {
      if (this.leftChild[parent] === ~leaf) this.leftChild[parent] = node;
      else this.rightChild[parent] = node;
    }
    this.splitFeature[node] = feature;
    this.threshold[node] = threshold;
    this.defaultLeft[node] = defaultLeft ? 1 : 0;
    this.leftChild[node] = ~leaf;
    this.rightChild[node] = ~right;
    this.splitGain[node] = gain;
    this.internalCover[node] = cover;
    this.leafParent[leaf] = node;
    this.leafParent[right] = node;
    this.leafDepth[leaf]++;
    this.leafDepth[right] = this.leafDepth[leaf];
    this.numLeaves++;
    return right;
  }

  /** The finished tree, with its own copies of the arrays. */
  finish(leafValue: Float64Array, leafCover: Float64Array): Tree {
    const n = this.numLeaves;
    return {
      numLeaves: n,
      splitFeature: this.splitFeature.slice(0, n - 1),
      threshold: this.threshold.slice(0, n - 1),
      defaultLeft: this.defaultLeft.slice(0, n - 1),
      leftChild: this.leftChild.slice(0, n - 1),
      rightChild: this.rightChild.slice(0, n - 1),
      splitGain: this.splitGain.slice(0, n - 1),
      internalCover: this.internalCover.slice(0, n - 1),
      leafValue: leafValue.slice(0, n),
      leafCover: leafCover.slice(0, n),
    };
  }
}
