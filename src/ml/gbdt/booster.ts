import { AppError, ValidationError, type Rng } from '../../shared/index.js';
import { binMatrix, fitBinMapper, type BinMapper } from './bin-mapper.js';
import { TreeLearner } from './learner.js';
import type { Matrix } from '../matrix.js';
import { assertMatrix } from './matrix.js';
import type { GbdtModel } from './model.js';
import { objectiveFor, type Objective, type TrainingScores } from './objective.js';
import { resolveGbdtParams, type GbdtParams } from './params.js';
import { sampleSize, selectSorted } from './sampling.js';
import { leafOf, type Tree } from './tree.js';

/** Labelled rows: features, labels (0/1 or targets) and optional non-negative weights. */
export interface LabelledSet {
  readonly x: Matrix;
  readonly y: Float64Array;
  readonly weights?: Float64Array;
}

/** Options of `trainGbdt`; the Rng is the only source of randomness, so a seed fixes the model. */
export interface TrainOptions {
  /** Raw hyperparameters, validated here (see GBDT_PARAMS). */
  readonly params?: Readonly<Record<string, unknown>>;
  readonly rng: Rng;
  readonly featureNames?: readonly string[];
  /** Validation rows for early stopping (`early_stopping_rounds` > 0) and for `onRound`. */
  readonly valid?: LabelledSet;
  /** Called after each round with the validation loss (NaN without a validation set). */
  readonly onRound?: (round: number, validLoss: number) => void;
}

/**
 * Fits a gradient-boosted tree ensemble. Deterministic for the same data, params and Rng seed. With
 * early stopping the model keeps the trees up to the round of best validation loss.
 */
export function trainGbdt(train: LabelledSet, options: TrainOptions): GbdtModel {
  const params = resolveGbdtParams(options.params);
  const { x, y } = train;
  const objective = objectiveFor(params.objective, params.scale_pos_weight);
  const { w, validW, featureNames } = checkInputs(train, options, params, objective);
  const { rng, valid } = options;
  const n = x.rows;
  const xgboost = params.compat === 'xgboost';
  const sklearn = params.compat === 'sklearn';
  const mapper = fitBinMapper(
    x,
    params.max_bins,
    rng,
    xgboost ? 'xgboost' : sklearn ? 'sklearn' : 'midpoint',
  );
  const bins = binMatrix(mapper, x);
  const sklearnMissing = sklearn ? missingFeatures(mapper, bins, n) : undefined;
  // scikit-learn's own settings where not given: l2_regularization 0, min_hessian_to_split 1e-3.
  const given = (name: string): boolean => options.params?.[name] !== undefined;
  const learner = new TreeLearner(mapper, bins, n, {
    numLeaves: params.num_leaves,
    maxDepth: params.max_depth,
    learningRate: params.learning_rate,
    lambdaL2: sklearn && !given('lambda_l2') ? 0 : params.lambda_l2,
    minSamplesLeaf: xgboost ? 1 : params.min_samples_leaf,
    minChildWeight: sklearn && !given('min_child_weight') ? SKLEARN_MIN_HESSIAN : params.min_child_weight,
    // XGBoost takes no split that gains 1e-6 or less.
    minGain: xgboost ? Math.max(params.min_gain, XGBOOST_MIN_GAIN) : params.min_gain,
    xgboost,
    sklearnMissing,
  });
  const usable: number[] = [];
  // One finite bin: no split, except XGBoost's and scikit-learn's "finite left, missing right".
  for (let f = 0; f < x.cols; f++) {
    if (mapper.numBins[f] > 1 || xgboost || sklearnMissing?.[f] === 1) usable.push(f);
  }
  const usableFeatures = Int32Array.from(usable);

  // XGBoost 1.7 starts every model from base_score 0.5: raw 0 for logloss, 0.5 for squared error.
  const baseScore = xgboost
    ? objective.name === 'binary'
      ? 0
      : 0.5
    : sklearn
      ? objective.initScoreSklearn(y, w)
      : objective.initScore(y, w);
  const scores = sklearn
    ? objective.startScoresSklearn(y, w, baseScore)
    : objective.startScores(y, w, baseScore);
  const validRaw = valid ? new Float64Array(valid.x.rows).fill(baseScore) : null;
  const bagSize = params.subsample < 1 ? sampleSize(n, params.subsample) : n;
  const trees: Tree[] = [];
  const stopper = new EarlyStopping(params.early_stopping_rounds);
  for (let round = 0; round < params.n_estimators; round++) {
    const bag = bagSize < n ? selectSorted(n, bagSize, rng) : null;
    const features = pickFeatures(usableFeatures, params, rng);
    const tree = learner.grow(scores.gh, bag, bagSize, features);
    trees.push(tree);
    addTree(tree, learner, bag, x, scores);
    let loss = NaN;
    if (valid && validRaw && validW) {
      addTreeRows(tree, valid.x, validRaw);
      loss = objective.validationLoss(valid.y, validW, validRaw);
    }
    options.onRound?.(round, loss);
    if (stopper.shouldStop(round, loss)) break;
  }
  if (stopper.enabled) trees.length = stopper.bestRound + 1;
  return { params, featureNames, numFeatures: x.cols, baseScore, trees };
}

/** XGBoost's smallest loss change that counts as a split (kRtEps). */
const XGBOOST_MIN_GAIN = 1e-6;

/** scikit-learn's smallest hessian sum on each side of a split (min_hessian_to_split). */
const SKLEARN_MIN_HESSIAN = 1e-3;

/** 1 for each feature with a missing value in some training row (its missing bin used). */
function missingFeatures(mapper: BinMapper, bins: Uint8Array, rows: number): Uint8Array {
  const out = new Uint8Array(mapper.numFeatures);
  for (let f = 0; f < mapper.numFeatures; f++) {
    const missing = mapper.numBins[f];
    const col = f * rows;
    for (let r = 0; r < rows; r++) {
      if (bins[col + r] === missing) {
        out[f] = 1;
        break;
      }
    }
  }
  return out;
}

/** Tracks the best validation round; says when `rounds` rounds have passed without improving on it. */
class EarlyStopping {
  bestRound = -1;
  private bestLoss = Infinity;

  constructor(private readonly rounds: number) {}

  get enabled(): boolean {
    return this.rounds > 0;
  }

  shouldStop(round: number, loss: number): boolean {
    if (!this.enabled) return false;
    if (loss < this.bestLoss) {
      this.bestLoss = loss;
      this.bestRound = round;
      return false;
    }
    return round - this.bestRound >= this.rounds;
  }
}

/** Checks both sets, the early-stopping setting and the names; returns weights and names to use. */
function checkInputs(
  train: LabelledSet,
  options: TrainOptions,
  params: GbdtParams,
  objective: Objective,
): { w: Float64Array; validW: Float64Array | null; featureNames: string[] } {
  const cols = train.x.cols;
  const w = checkSet(train, objective, cols, 'train');
  const validW = options.valid ? checkSet(options.valid, objective, cols, 'valid') : null;
  if (params.early_stopping_rounds > 0 && !options.valid) {
    throw new AppError('INVALID_HYPERPARAMETER', 'gbdt: early_stopping_rounds needs a validation set', {
      field: 'early_stopping_rounds',
    });
  }
  const featureNames = options.featureNames ?? Array.from({ length: cols }, (_, i) => `f${i}`);
  if (featureNames.length !== cols) {
    throw new ValidationError('featureNames', `${featureNames.length} feature names for ${cols} columns`);
  }
  return { w, validW, featureNames: [...featureNames] };
}

/** Validates a labelled set against the objective; returns its weights (all 1 when absent). */
function checkSet(set: LabelledSet, objective: Objective, cols: number, field: string): Float64Array {
  assertMatrix(set.x, `${field}.x`);
  if (set.x.rows < 1) throw new ValidationError(`${field}.x`, `${field}: no rows`);
  if (set.x.cols !== cols) {
    throw new ValidationError(`${field}.x`, `${field}: ${set.x.cols} columns, the training set has ${cols}`);
  }
  if (set.y.length !== set.x.rows) {
    throw new ValidationError(`${field}.y`, `${field}: ${set.y.length} labels for ${set.x.rows} rows`);
  }
  objective.checkLabels(set.y);
  if (!set.weights) return new Float64Array(set.x.rows).fill(1);
  const w = set.weights;
  if (w.length !== set.x.rows) {
    throw new ValidationError(`${field}.weights`, `${field}: ${w.length} weights for ${set.x.rows} rows`);
  }
  let total = 0;
  for (let i = 0; i < w.length; i++) {
    if (!(w[i] >= 0) || !Number.isFinite(w[i])) {
      throw new ValidationError(
        `${field}.weights`,
        `${field}: weight of row ${i} is ${w[i]}, must be finite and ≥ 0`,
      );
    }
    total += w[i];
  }
  if (!(total > 0)) throw new ValidationError(`${field}.weights`, `${field}: weights sum to 0`);
  return w;
}

function pickFeatures(usable: Int32Array, params: GbdtParams, rng: Rng): Int32Array {
  if (params.colsample_bytree >= 1 || usable.length === 0) return usable;
  const chosen = selectSorted(usable.length, sampleSize(usable.length, params.colsample_bytree), rng);
  for (let i = 0; i < chosen.length; i++) chosen[i] = usable[chosen[i]];
  return chosen;
}

/** Adds the new tree to the training scores: in-bag rows by their leaf range, the rest by traversal. */
function addTree(
  tree: Tree,
  learner: TreeLearner,
  bag: Int32Array | null,
  x: Matrix,
  scores: TrainingScores,
): void {
  const { indices, begin, count } = learner.partition;
  for (let l = 0; l < tree.numLeaves; l++)
    scores.addToRows(indices, begin[l], begin[l] + count[l], tree.leafValue[l]);
  if (bag === null) return;
  // Bag rows are increasing, so the out-of-bag rows are the gaps between them.
  let next = 0;
  for (let r = 0; r < x.rows; r++) {
    if (next < bag.length && bag[next] === r) next++;
    else scores.addToRow(r, tree.leafValue[leafOf(tree, x.data, r * x.cols)]);
  }
}

function addTreeRows(tree: Tree, x: Matrix, raw: Float64Array): void {
  for (let r = 0; r < x.rows; r++) raw[r] += tree.leafValue[leafOf(tree, x.data, r * x.cols)];
}
