import { AppError } from '../../shared/index.js';
import { resolveParams, type Params } from '../params.js';

/**
 * Every GBDT hyperparameter, declared once: default, bounds and doc (names follow LightGBM). λ = 1 and
 * min_child_weight = 1 are XGBoost's defaults: they shrink the values of leaves with small hessian
 * sums and keep leaves of confidently predicted rows from being split off, which on the DL-CIBuild
 * time splits generalises better than HistGradientBoosting's λ = 0 and 1e-3 (docs/BENCHMARKS.md).
 */
export const GBDT_PARAMS = {
  objective: {
    kind: 'enum',
    default: 'binary',
    choices: ['binary', 'regression'],
    doc: 'Loss to minimise: binary logloss (labels 0/1) or squared error.',
  },
  n_estimators: {
    kind: 'number',
    default: 100,
    min: 1,
    max: 100_000,
    integer: true,
    doc: 'Boosting rounds (trees), before early stopping.',
  },
  learning_rate: {
    kind: 'number',
    default: 0.1,
    min: 0,
    exclusiveMin: true,
    max: 1,
    doc: 'Shrinkage applied to every leaf value.',
  },
  num_leaves: {
    kind: 'number',
    default: 31,
    min: 2,
    max: 65_536,
    integer: true,
    doc: 'Most leaves per tree; trees grow leaf-wise, best gain first.',
  },
  max_depth: {
    kind: 'number',
    default: -1,
    min: -1,
    max: 64,
    integer: true,
    doc: 'Deepest leaf allowed; -1 = no limit (0 is refused).',
  },
  min_samples_leaf: {
    kind: 'number',
    default: 20,
    min: 1,
    integer: true,
    doc: 'Fewest training rows in a leaf.',
  },
  min_child_weight: {
    kind: 'number',
    default: 1,
    min: 0,
    doc:
      'Smallest hessian sum in a leaf, capped in each tree at min_samples_leaf rows of the mean hessian, ' +
      'so it never forbids a split the row minimum allows on average (tiny data still trains).',
  },
  min_gain: {
    kind: 'number',
    default: 0,
    min: 0,
    doc: 'A split must gain more than this (gain = GL²/(HL+λ) + GR²/(HR+λ) − G²/(H+λ)).',
  },
  lambda_l2: { kind: 'number', default: 1, min: 0, doc: 'L2 penalty λ on leaf values.' },
  max_bins: {
    kind: 'number',
    default: 255,
    min: 2,
    max: 255,
    integer: true,
    doc: 'Most value bins per feature; missing values get one more bin of their own.',
  },
  subsample: {
    kind: 'number',
    default: 1,
    min: 0,
    exclusiveMin: true,
    max: 1,
    doc: 'Share of rows drawn (without replacement) for each tree.',
  },
  colsample_bytree: {
    kind: 'number',
    default: 1,
    min: 0,
    exclusiveMin: true,
    max: 1,
    doc: 'Share of features drawn for each tree.',
  },
  scale_pos_weight: {
    kind: 'number',
    default: 1,
    min: 0,
    exclusiveMin: true,
    doc: 'Weight multiplier of positive rows (binary only).',
  },
  compat: {
    kind: 'enum',
    default: 'none',
    choices: ['none', 'xgboost', 'sklearn'],
    doc:
      'xgboost = grow the trees XGBoost 1.7 grows (tree_method=hist, grow_policy=lossguide, same settings): ' +
      'its bin cuts (training values in single precision, left when below), start from base_score 0.5, no ' +
      'row minimum (min_samples_leaf ignored), min_child_weight uncapped, gains compared in single precision ' +
      '(ties to the lower feature, then leaf), unseen missing values right. Subsampling draws other rows ' +
      "than XGBoost does (docs/BENCHMARKS.md). sklearn = grow the trees scikit-learn 1.2's " +
      'HistGradientBoosting grows with the same settings: its bin thresholds to the last bit, start from its ' +
      'clipped log-odds, gradients and hessians in single precision, its gain (leaf values −G/(H+λ+1e-15), 0 at ' +
      'the root), scan order and ties, its missing-value rules; lambda_l2 and min_child_weight default to its 0 ' +
      'and 1e-3 (min_hessian_to_split) unless given. Same trees (and raw scores) on every bench set; it has no ' +
      'row or column subsampling, and bins more than 200,000 rows on another sample.',
  },
  early_stopping_rounds: {
    kind: 'number',
    default: 0,
    min: 0,
    integer: true,
    doc: 'Stop when the validation loss has not improved for this many rounds; 0 = off.',
  },
} as const;

/** Validated GBDT hyperparameters. */
export type GbdtParams = Params<typeof GBDT_PARAMS>;

/** Validates GBDT hyperparameters; errors (INVALID_HYPERPARAMETER) name the parameter at fault. */
export function resolveGbdtParams(input: Readonly<Record<string, unknown>> = {}): GbdtParams {
  const params = resolveParams('gbdt', GBDT_PARAMS, input);
  // The table cannot say "-1 or ≥ 1"; 0 would silently mean "no split at all".
  if (params.max_depth === 0) {
    throw new AppError('INVALID_HYPERPARAMETER', 'gbdt: max_depth must be -1 (no limit) or ≥ 1, got 0', {
      field: 'max_depth',
    });
  }
  return params;
}
