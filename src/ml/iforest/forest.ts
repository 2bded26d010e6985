/**
 * The trees of a fitted forest, flat. Tree t holds nodes [treeStart[t], treeStart[t + 1]); its root
 * is the first. Node indices are absolute, and a node's two children sit side by side, so only the
 * left child is stored (the right one is left + 1).
 */
export interface ForestNodes {
  treeStart: Int32Array;
  /** Feature tested at an internal node (an index into the full row); -1 at a leaf. */
  feature: Int32Array;
  /** Rows with x[feature] ≤ threshold go left, the others right; 0 at a leaf. */
  threshold: Float64Array;
  /** Left child; −1 at a leaf. */
  left: Int32Array;
  /** Training rows that reached the node. */
  nodeSize: Int32Array;
}

/** A forest under construction: arrays sized for the worst case, filled up to `count`. */
export interface ForestBuilder extends ForestNodes {
  count: number;
}

/** Room for `trees` trees of at most `nodesPerTree` nodes each. */
export function createForestBuilder(trees: number, nodesPerTree: number): ForestBuilder {
  const capacity = trees * nodesPerTree;
  return {
    treeStart: new Int32Array(trees + 1),
    feature: new Int32Array(capacity),
    threshold: new Float64Array(capacity),
    left: new Int32Array(capacity),
    nodeSize: new Int32Array(capacity),
    count: 0,
  };
}

/** Copies the filled part of a builder into right-sized arrays. */
export function finishForest(b: ForestBuilder): ForestNodes {
  return {
    treeStart: b.treeStart,
    feature: b.feature.slice(0, b.count),
    threshold: b.threshold.slice(0, b.count),
    left: b.left.slice(0, b.count),
    nodeSize: b.nodeSize.slice(0, b.count),
  };
}
