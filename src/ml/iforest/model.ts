import { ValidationError, type Rng } from '../../shared/index.js';
import type { Matrix } from '../matrix.js';
import { checkFiniteMatrix, checkOutput } from './check-matrix.js';
import { createForestBuilder, finishForest, type ForestNodes } from './forest.js';
import { growTree } from './grow-tree.js';
import {
  resolveFeatureCount,
  resolveIsolationForestParams,
  resolveSampleSize,
  type IsolationForestInput,
  type IsolationForestParams,
} from './params.js';
import { averagePathLength } from './path-length.js';
import { compilePathScorer, sumPathLengths, type PathScorer } from './path-scorer.js';
import { percentile } from './percentile.js';
import { drawWithoutReplacement, drawWithReplacement, identity } from './sample.js';

/** scikit-learn's decision offset for contamination = 'auto'. */
export const AUTO_OFFSET = -0.5;

/** Everything a fitted forest consists of; what an artifact stores. */
export interface IsolationForestParts {
  params: IsolationForestParams;
  featureNames: readonly string[];
  /** ψ, the rows each tree was grown on (max_samples resolved against the training rows). */
  sampleSize: number;
  /** decisionFunction = scoreSamples − offset. */
  offset: number;
  nodes: ForestNodes;
}

/**
 * Isolation Forest with scikit-learn's definitions, so scores are comparable: scoreSamples is
 * −2^(−E[h(x)] / c(ψ)) (higher = more normal), decisionFunction subtracts the offset, predict
 * gives 1 (inlier) or −1 (outlier).
 */
export class IsolationForest {
  readonly params: IsolationForestParams;
  readonly featureNames: readonly string[];
  readonly sampleSize: number;
  readonly offset: number;
  readonly nodes: ForestNodes;
  private readonly scorer: PathScorer;

  private constructor(parts: IsolationForestParts) {
    this.params = parts.params;
    this.featureNames = Object.freeze([...parts.featureNames]);
    this.sampleSize = parts.sampleSize;
    this.offset = parts.offset;
    this.nodes = parts.nodes;
    this.scorer = compilePathScorer(parts.nodes);
  }

  /** Rebuilds a forest from parts already checked (by the artifact loader). */
  static fromParts(parts: IsolationForestParts): IsolationForest {
    return new IsolationForest(parts);
  }

  /**
   * Fits on every row of x (finite values); the same rng seed gives the same forest. Feature names
   * default to f0, f1, ….
   */
  static fit(
    x: Matrix,
    rng: Rng,
    input: IsolationForestInput = {},
    featureNames: readonly string[] = Array.from({ length: x.cols }, (_, c) => `f${c}`),
  ): IsolationForest {
    const params = resolveIsolationForestParams(input);
    checkFiniteMatrix(x);
    if (featureNames.length !== x.cols) {
      throw new ValidationError(
        'feature_names',
        `${featureNames.length} feature names for ${x.cols} columns`,
      );
    }
    const sampleSize = resolveSampleSize(params, x.rows);
    const parts = {
      params,
      featureNames,
      sampleSize,
      offset: AUTO_OFFSET,
      nodes: growForest(x, rng, params, sampleSize),
    };
    const forest = new IsolationForest(parts);
    if (params.contamination === 'auto') return forest;
    // As scikit-learn: the offset is the contamination quantile of the training rows' scores.
    return new IsolationForest({
      ...parts,
      offset: percentile(forest.scoreSamples(x), 100 * params.contamination),
    });
  }

  /** scikit-learn's score_samples into `out` (one value per row): in (−1, 0], higher = more normal. */
  scoreSamples(x: Matrix, out: Float64Array = new Float64Array(x.rows)): Float64Array {
    checkFiniteMatrix(x, this.featureNames.length);
    checkOutput(out, x.rows);
    sumPathLengths(this.scorer, x, out);
    const scale = -1 / (this.scorer.trees * averagePathLength(this.sampleSize));
    for (let r = 0; r < out.length; r++) out[r] = -(2 ** (out[r] * scale));
    return out;
  }

  /** scoreSamples − offset: negative for outliers, as scikit-learn's decision_function. */
  decisionFunction(x: Matrix, out: Float64Array = new Float64Array(x.rows)): Float64Array {
    this.scoreSamples(x, out);
    for (let r = 0; r < out.length; r++) out[r] -= this.offset;
    return out;
  }

  /** 1 for an inlier, −1 for an outlier (decisionFunction < 0), as scikit-learn's predict. */
  predict(x: Matrix, out: Int8Array = new Int8Array(x.rows)): Int8Array {
    checkOutput(out, x.rows);
    const decision = this.decisionFunction(x);
    for (let r = 0; r < out.length; r++) out[r] = decision[r] < 0 ? -1 : 1;
    return out;
  }
}

function growForest(x: Matrix, rng: Rng, params: IsolationForestParams, sampleSize: number): ForestNodes {
  const trees = params.n_estimators;
  const featureCount = resolveFeatureCount(params, x.cols);
  const maxDepth = Math.ceil(Math.log2(Math.max(sampleSize, 2)));
  // A tree over ψ rows has at most 2ψ − 1 nodes.
  const forest = createForestBuilder(trees, 2 * sampleSize - 1);
  const rowPool = identity(x.rows);
  const featurePool = identity(x.cols);
  const rows = new Int32Array(sampleSize);
  const features = new Int32Array(featureCount);
  for (let t = 0; t < trees; t++) {
    if (params.bootstrap) drawWithReplacement(x.rows, rows, rng);
    else drawWithoutReplacement(rowPool, rows, rng);
    if (featureCount === x.cols) features.set(featurePool);
    else drawWithoutReplacement(featurePool, features, rng);
    forest.treeStart[t] = forest.count;
    growTree(forest, { x, rows, features, maxDepth, rng });
  }
  forest.treeStart[trees] = forest.count;
  return finishForest(forest);
}
