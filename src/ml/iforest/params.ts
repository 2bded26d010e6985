import { AppError } from '../../shared/index.js';
import { resolveParams, type ParamTable, type Params } from '../params.js';

/** Isolation Forest hyperparameters (scikit-learn's names and defaults, 'auto' max_samples = 256). */
export const ISOLATION_FOREST_PARAMS = {
  n_estimators: { kind: 'number', default: 100, min: 1, max: 100_000, integer: true, doc: 'number of trees' },
  max_samples: {
    kind: 'number',
    default: 256,
    min: 0,
    exclusiveMin: true,
    doc: 'rows drawn per tree: a whole number ≥ 2 (capped at the row count) or a fraction in (0, 1] of the rows',
  },
  max_features: {
    kind: 'number',
    default: 1,
    min: 0,
    exclusiveMin: true,
    doc: 'features drawn per tree: a whole number ≥ 2 (at most the column count) or a fraction in (0, 1] of the columns',
  },
  bootstrap: { kind: 'bool', default: false, doc: 'draw the rows of each tree with replacement' },
  contamination: {
    kind: 'number',
    default: 'auto',
    words: ['auto'],
    min: 0,
    max: 0.5,
    exclusiveMin: true,
    doc: "share of outliers expected in the training rows, sets the decision threshold; 'auto' puts it at score -0.5",
  },
} as const satisfies ParamTable;

/** Validated Isolation Forest hyperparameters. */
export type IsolationForestParams = Params<typeof ISOLATION_FOREST_PARAMS>;

/** What a caller may pass; anything left out takes its default. */
export type IsolationForestInput = Partial<IsolationForestParams>;

/** Validates hyperparameters; errors (INVALID_HYPERPARAMETER) name the parameter. */
export function resolveIsolationForestParams(input: IsolationForestInput = {}): IsolationForestParams {
  const p = resolveParams('isolation_forest', ISOLATION_FOREST_PARAMS, input);
  for (const name of ['max_samples', 'max_features'] as const) {
    if (p[name] > 1 && !Number.isInteger(p[name])) {
      invalid(name, `must be a fraction in (0, 1] or a whole number ≥ 2, got ${p[name]}`);
    }
  }
  return p;
}

/** Rows per tree for a data set of `rows` rows (scikit-learn's rule); at least 2 are needed. */
export function resolveSampleSize(params: IsolationForestParams, rows: number): number {
  const m = params.max_samples;
  const size = m <= 1 ? Math.floor(m * rows) : Math.min(m, rows);
  if (size < 2) invalid('max_samples', `gives ${size} rows per tree out of ${rows}; at least 2 are needed`);
  return size;
}

/** Features per tree for `cols` columns (scikit-learn's rule: a fraction rounds down, at least 1). */
export function resolveFeatureCount(params: IsolationForestParams, cols: number): number {
  const m = params.max_features;
  if (m > cols) invalid('max_features', `is ${m} but the data has ${cols} columns`);
  return m <= 1 ? Math.max(1, Math.floor(m * cols)) : m;
}

function invalid(name: string, why: string): never {
  throw new AppError('INVALID_HYPERPARAMETER', `isolation_forest: ${name} ${why}`, { field: name });
}
