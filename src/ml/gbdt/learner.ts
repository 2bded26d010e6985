import { xgboostTopBound, type BinMapper } from './bin-mapper.js';
import {
  buildHistogram,
  clearHistogram,
  newHistogram,
  packBins,
  subtractHistogram,
  type PackedBins,
} from './histogram.js';
import { DataPartition } from './partition.js';
import { binCounts, buildRootHistogram } from './root-histogram.js';
import {
  findBestSplit,
  findBestSplitSklearn,
  findBestSplitXgboost,
  leafOutput,
  sklearnNodeValue,
  SplitInfo,
  type SplitRules,
} from './split-finder.js';
import { TreeBuilder, type Tree } from './tree.js';

/** What the tree learner needs from the hyperparameters. */
export interface LearnerRules extends SplitRules {
  readonly numLeaves: number;
  /** −1 = no limit. */
  readonly maxDepth: number;
  readonly learningRate: number;
}

/**
 * Grows trees leaf-wise on binned data: always splits the leaf of highest gain, builds the
 * histogram of the smaller child from its rows and gets the larger one by subtraction from the
 * parent. Buffers are allocated once and reused for every tree.
 */
export class TreeLearner {
  /** Rows of each leaf of the last tree grown (in-bag rows only). */
  readonly partition: DataPartition;
  private readonly builder: TreeBuilder;
  private readonly splits: SplitInfo[] = [];
  private readonly pool: Float64Array[] = [];
  private readonly free: number[] = [];
  private readonly histOf: Int32Array;
  private readonly sumGrad: Float64Array;
  private readonly sumHess: Float64Array;
  private readonly leafValue: Float64Array;
  private readonly leafCover: Float64Array;
  /** XGBoost's node id of each leaf (children numbered in the order made), for its tie rule. */
  private readonly nodeId: Int32Array;
  private nextNodeId = 1;
  /** scikit-learn's value of each leaf, unshrunk (`compat: 'sklearn'`; 0 at the root). */
  private readonly nodeValue: Float64Array;
  /** Gradients and hessians of one leaf's rows, interleaved, in the leaf's row order. */
  private readonly orderedGh: Float64Array;
  private features: Int32Array = new Int32Array(0);
  private rootCounts: Float64Array | null = null;
  private packed: PackedBins | null = null;
  /** The rules of the tree being grown (its hessian floor; see `treeRules`). */
  private rulesNow: SplitRules;

  constructor(
    private readonly mapper: BinMapper,
    private readonly bins: Uint8Array,
    private readonly numRows: number,
    private readonly rules: LearnerRules,
  ) {
    const L = rules.numLeaves;
    this.partition = new DataPartition(numRows, L);
    this.builder = new TreeBuilder(L);
    for (let l = 0; l < L; l++) this.splits.push(new SplitInfo());
    this.histOf = new Int32Array(L);
    this.sumGrad = new Float64Array(L);
    this.sumHess = new Float64Array(L);
    this.leafValue = new Float64Array(L);
    this.leafCover = new Float64Array(L);
    this.nodeId = new Int32Array(L);
    this.nodeValue = new Float64Array(L);
    this.orderedGh = new Float64Array(2 * numRows);
    this.rulesNow = rules;
  }

  /**
   * Grows one tree on the rows `bag[0 … bagSize)` (all rows when `bag` is null) using only
   * `features`, with row r's gradient and hessian at `gh[2r]`, `gh[2r + 1]`; leaf values are
   * −G/(H+λ) × learning rate. `partition` then says which rows ended where.
   */
  grow(gh: Float64Array, bag: Int32Array | null, bagSize: number, features: Int32Array): Tree {
    const { partition, builder, rules } = this;
    this.features = features;
    partition.reset(bag, bagSize);
    builder.reset();
    this.free.length = 0;
    this.nodeId[0] = 0;
    this.nextNodeId = 1;
    this.nodeValue[0] = 0;
    for (let i = this.rules.numLeaves - 1; i >= 0; i--) this.free.push(i);
    sumRows(gh, bag, bagSize, this.sumGrad, this.sumHess);
    this.rulesNow = treeRules(rules, this.sumHess[0] / bagSize);
    this.splits[0].feature = -1;
    if (this.canSplit(0)) {
      this.histOf[0] = this.buildFor(0, gh);
      this.findSplit(0);
    }
    while (builder.numLeaves < rules.numLeaves) {
      const best = this.bestLeaf();
      if (best < 0) break;
      this.splitLeaf(best, gh);
    }
    const sklearn = rules.sklearnMissing !== undefined;
    for (let l = 0; l < builder.numLeaves; l++) {
      this.leafValue[l] =
        (sklearn ? this.nodeValue[l] : leafOutput(this.sumGrad[l], this.sumHess[l], rules.lambdaL2)) *
        rules.learningRate;
      this.leafCover[l] = partition.count[l];
    }
    return builder.finish(this.leafValue, this.leafCover);
  }

  /** The leaf to split next: highest gain; ties to the lower leaf (XGBoost's rules: lower node id). */
  private bestLeaf(): number {
    const byNode = this.rules.xgboost === true;
    let best = -1;
    let bestGain = -Infinity;
    for (let l = 0; l < this.builder.numLeaves; l++) {
      const s = this.splits[l];
      if (s.feature < 0) continue;
      if (s.gain > bestGain || (byNode && s.gain === bestGain && this.nodeId[l] < this.nodeId[best])) {
        best = l;
        bestGain = s.gain;
      }
    }
    return best;
  }

  private splitLeaf(leaf: number, gh: Float64Array): void {
    const { mapper, partition, builder } = this;
    const s = this.splits[leaf];
    const f = s.feature;
    const cover = partition.count[leaf];
    const sklearn = this.rules.sklearnMissing !== undefined;
    // The top bin (XGBoost's and scikit-learn's rules only: every finite value left, missing values right).
    const threshold =
      s.bin < mapper.numBins[f] - 1
        ? mapper.upper[f][s.bin]
        : sklearn
          ? Number.MAX_VALUE
          : xgboostTopBound(mapper.highest[f]);
    const right = builder.split(leaf, f, threshold, s.defaultLeft, s.gain, cover);
    partition.split(leaf, right, this.bins, this.numRows, f, s.bin, mapper.numBins[f], s.defaultLeft);
    this.sumGrad[right] = this.sumGrad[leaf] - s.leftGrad;
    this.sumHess[right] = this.sumHess[leaf] - s.leftHess;
    this.sumGrad[leaf] = s.leftGrad;
    this.sumHess[leaf] = s.leftHess;
    this.splits[right].feature = -1;
    s.feature = -1;
    this.nodeId[leaf] = this.nextNodeId;
    this.nodeId[right] = this.nextNodeId + 1;
    this.nextNodeId += 2;
    if (sklearn) {
      const { lambdaL2 } = this.rules;
      this.nodeValue[leaf] = sklearnNodeValue(this.sumGrad[leaf], this.sumHess[leaf], lambdaL2);
      this.nodeValue[right] = sklearnNodeValue(this.sumGrad[right], this.sumHess[right], lambdaL2);
    }

    const parentHist = this.histOf[leaf];
    // After the last split the tree is full: the children's histograms would never be used.
    const full = builder.numLeaves === this.rules.numLeaves;
    const leftOk = !full && this.canSplit(leaf);
    const rightOk = !full && this.canSplit(right);
    if (!leftOk && !rightOk) {
      this.free.push(parentHist);
      return;
    }
    // scikit-learn builds the right child's histogram when the two are the same size.
    const leftSmaller = sklearn
      ? partition.count[leaf] < partition.count[right]
      : partition.count[leaf] <= partition.count[right];
    const small = leftSmaller ? leaf : right;
    const large = leftSmaller ? right : leaf;
    const smallHist = this.buildFor(small, gh);
    if (leftSmaller ? rightOk : leftOk) {
      const { features } = this;
      subtractHistogram(this.pool[parentHist], this.pool[smallHist], features, mapper.offset, mapper.numBins);
      this.histOf[large] = parentHist;
      this.findSplit(large);
    } else this.free.push(parentHist);
    if (leftSmaller ? leftOk : rightOk) {
      this.histOf[small] = smallHist;
      this.findSplit(small);
    } else this.free.push(smallHist);
  }

  private canSplit(leaf: number): boolean {
    const { rules } = this;
    return (
      this.partition.count[leaf] >= 2 * rules.minSamplesLeaf &&
      // scikit-learn checks the hessian floor on the root alone (its splits check each side).
      (rules.sklearnMissing === undefined
        ? this.sumHess[leaf] >= 2 * this.rulesNow.minChildWeight
        : this.builder.numLeaves > 1 || this.sumHess[leaf] >= rules.minChildWeight) &&
      (rules.maxDepth < 0 || this.builder.leafDepth[leaf] < rules.maxDepth)
    );
  }

  /** Takes a free histogram and fills it from the rows of `leaf`; returns its pool index. */
  private buildFor(leaf: number, gh: Float64Array): number {
    const { mapper, partition, features } = this;
    const slot = this.free.pop() as number;
    if (this.pool[slot] === undefined) this.pool[slot] = newHistogram(mapper.totalBins + 1);
    const hist = this.pool[slot];
    clearHistogram(hist, features, mapper.offset, mapper.numBins);
    const n = partition.count[leaf];
    const begin = partition.begin[leaf];
    const idx = partition.indices;
    if (this.packed?.features !== features) {
      this.packed = packBins(this.bins, this.numRows, features, mapper.offset, mapper.totalBins);
    }
    // Only the root can hold every row, in order 0 … n−1.
    if (n === this.numRows) {
      this.rootCounts ??= binCounts(this.bins, n, mapper.offset, mapper.numFeatures);
      buildRootHistogram(hist, this.packed, n, mapper.offset, mapper.numBins, gh, this.rootCounts);
      return slot;
    }
    gatherRows(gh, idx, begin, n, this.orderedGh);
    buildHistogram(hist, this.packed, this.numRows, idx, begin, begin + n, this.orderedGh);
    return slot;
  }

  private findSplit(leaf: number): void {
    const { mapper } = this;
    if (this.rules.sklearnMissing !== undefined) {
      findBestSplitSklearn(
        this.splits[leaf],
        this.pool[this.histOf[leaf]],
        this.features,
        mapper.offset,
        mapper.numBins,
        this.sumGrad[leaf],
        this.sumHess[leaf],
        this.partition.count[leaf],
        this.rulesNow,
        this.nodeValue[leaf],
      );
      return;
    }
    (this.rules.xgboost === true ? findBestSplitXgboost : findBestSplit)(
      this.splits[leaf],
      this.pool[this.histOf[leaf]],
      this.features,
      mapper.offset,
      mapper.numBins,
      this.sumGrad[leaf],
      this.sumHess[leaf],
      this.partition.count[leaf],
      this.rulesNow,
    );
  }
}

/**
 * The split rules of one tree: the hessian floor is capped at `minSamplesLeaf` rows of the tree's
 * mean row hessian, so it never forbids a split that the row minimum allows on average. On data of
 * usual size and balance the floor stays as given (XGBoost's 1 is 4–20 rows of logloss hessian);
 * on a handful of rows, or once every row is predicted confidently, it shrinks with the hessians.
 */
export function treeRules(rules: LearnerRules, meanHess: number): LearnerRules {
  // XGBoost's and scikit-learn's floors are never capped.
  if (rules.xgboost === true || rules.sklearnMissing !== undefined) return rules;
  const cap = rules.minSamplesLeaf * meanHess;
  return cap < rules.minChildWeight ? { ...rules, minChildWeight: cap } : rules;
}

/**
 * Writes the gradient and hessian sums of the rows `bag[0 … size)` (rows 0 … size−1 when null) to
 * `sumGrad[0]` and `sumHess[0]`. A function of its own, so V8 optimizes the loop whole: inlined in
 * `grow` it was compiled on-stack each tree and thrown away at the code after it.
 */
function sumRows(
  gh: Float64Array,
  bag: Int32Array | null,
  size: number,
  sumGrad: Float64Array,
  sumHess: Float64Array,
): void {
  let g = 0;
  let h = 0;
  if (bag === null) {
    for (let r = 0; r < size; r++) {
      g += gh[2 * r];
      h += gh[2 * r + 1];
    }
  } else {
    for (let i = 0; i < size; i++) {
      g += gh[2 * bag[i]];
      h += gh[2 * bag[i] + 1];
    }
  }
  sumGrad[0] = g;
  sumHess[0] = h;
}

/**
 * Copies the gradient and hessian of the rows `rows[begin … begin + n)` to `out`, in that order. In
 * a function of its own so V8 optimizes the loop whole rather than on-stack inside its caller.
 */
function gatherRows(gh: Float64Array, rows: Int32Array, begin: number, n: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const r = rows[begin + i];
    out[2 * i] = gh[2 * r];
    out[2 * i + 1] = gh[2 * r + 1];
  }
}
