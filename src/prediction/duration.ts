import {
  artifactCheck,
  createMatrix,
  decodeArtifact,
  encodeArtifact,
  loadGbdt,
  predictRaw,
  saveGbdt,
  timeOrderedSplit,
  trainGbdt,
  type GbdtModel,
} from '../ml/index.js';
import { AppError, type Rng } from '../shared/index.js';
import { featureVector, type FeatureValues } from './features.js';

/** The model type written into duration artifacts. */
export const DURATION_MODEL = 'duration_gbdt';

/** How long a run will take and how likely it is to hit its timeout. */
export interface DurationForecast {
  expected_seconds: number;
  p90_seconds: number;
  /** Null when the pipeline has no timeout. */
  timeout_breach_probability: number | null;
}

/**
 * GBDT regression on log duration plus the validation residuals (log space, sorted): the spread
 * that gives the upper quantile and the timeout-breach probability.
 */
export interface DurationModel {
  gbdt: GbdtModel;
  residuals: Float64Array;
}

/** One finished run: its features as of its start, how long it took, when it started. */
export interface DurationRow {
  features: FeatureValues;
  duration_seconds: number;
  time: number;
}

export interface DurationMetrics {
  train_rows: number;
  valid_rows: number;
  /** Expected vs actual seconds on the validation runs. */
  mae: number;
  mape: number;
  /** The same for the window mean (avg_duration_seconds known at start), where known. */
  baseline_mae: number;
  baseline_mape: number;
}

const FLOOR_SECONDS = 0.5;
const DEFAULT_PARAMS = {
  objective: 'regression',
  n_estimators: 150,
  learning_rate: 0.08,
  num_leaves: 15,
  min_samples_leaf: 10,
} as const;

/**
 * Trains on the earlier 80% of the runs by start time; the later 20% give the residuals and the
 * metrics, so the quantiles are out-of-sample. Needs at least 20 runs.
 */
export function trainDurationModel(
  rows: readonly DurationRow[],
  featureNames: readonly string[],
  rng: Rng,
): { model: DurationModel; metrics: DurationMetrics } {
  if (rows.length < 20) {
    throw new AppError('NOT_TRAINED', `duration model: ${rows.length} finished runs, at least 20 are needed`);
  }
  const split = timeOrderedSplit(
    rows.map((r) => r.time),
    0.8,
  );
  const set = (idx: Uint32Array) => {
    const x = new Float64Array(idx.length * featureNames.length);
    const y = new Float64Array(idx.length);
    idx.forEach((i, k) => {
      featureVector(featureNames, rows[i].features, x.subarray(k * featureNames.length));
      y[k] = Math.log(Math.max(FLOOR_SECONDS, rows[i].duration_seconds));
    });
    return { x: createMatrix(x, idx.length, featureNames.length), y };
  };
  const train = set(split.train);
  const valid = set(split.test);
  const gbdt = trainGbdt(train, { params: DEFAULT_PARAMS, rng, featureNames });
  const raw = new Float64Array(valid.y.length);
  predictRaw(gbdt, valid.x, raw);
  const residuals = valid.y.map((y, i) => y - raw[i]).sort();
  const model = { gbdt, residuals };
  const errors = { abs: 0, pct: 0, baseAbs: 0, basePct: 0, base: 0 };
  split.test.forEach((i, k) => {
    const actual = Math.max(FLOOR_SECONDS, rows[i].duration_seconds);
    const expected = expectedSeconds(model, raw[k]);
    errors.abs += Math.abs(expected - actual);
    errors.pct += Math.abs(expected - actual) / actual;
    const mean = rows[i].features.avg_duration_seconds;
    if (Number.isFinite(mean)) {
      errors.baseAbs += Math.abs(mean - actual);
      errors.basePct += Math.abs(mean - actual) / actual;
      errors.base++;
    }
  });
  const n = split.test.length;
  return {
    model,
    metrics: {
      train_rows: split.train.length,
      valid_rows: n,
      mae: errors.abs / n,
      mape: errors.pct / n,
      baseline_mae: errors.base > 0 ? errors.baseAbs / errors.base : NaN,
      baseline_mape: errors.base > 0 ? errors.basePct / errors.base : NaN,
    },
  };
}

/** Smearing: the mean of exp(residual) turns a log-space prediction into an unbiased mean. */
function expectedSeconds(model: DurationModel, raw: number): number {
  let smear = 0;
  for (const r of model.residuals) smear += Math.exp(r);
  return Math.exp(raw) * (model.residuals.length > 0 ? smear / model.residuals.length : 1);
}

/** The forecast of one run from its features; `timeoutSeconds` null = no timeout. */
export function forecastDuration(
  model: DurationModel,
  features: FeatureValues,
  timeoutSeconds: number | null,
): DurationForecast {
  const names = model.gbdt.featureNames;
  const x = createMatrix(featureVector(names, features), 1, names.length);
  const out = new Float64Array(1);
  predictRaw(model.gbdt, x, out);
  const raw = out[0];
  const res = model.residuals;
  let breach: number | null = null;
  if (timeoutSeconds !== null && timeoutSeconds > 0) {
    const limit = Math.log(timeoutSeconds) - raw;
    let above = 0;
    for (const r of res) if (r > limit) above++;
    breach = res.length > 0 ? above / res.length : raw > Math.log(timeoutSeconds) ? 1 : 0;
  }
  return {
    expected_seconds: round(expectedSeconds(model, raw)),
    p90_seconds: round(Math.exp(raw + quantile(res, 0.9))),
    timeout_breach_probability: breach === null ? null : round(breach, 4),
  };
}

/** The plain window statistics: mean, 90th percentile and share above the timeout of recent durations. */
export function windowForecast(
  durations: readonly number[],
  timeoutSeconds: number | null,
): DurationForecast | null {
  const d = durations.filter((v) => Number.isFinite(v) && v >= 0).sort((a, b) => a - b);
  if (d.length === 0) return null;
  const mean = d.reduce((s, v) => s + v, 0) / d.length;
  const breach =
    timeoutSeconds !== null && timeoutSeconds > 0
      ? d.filter((v) => v > timeoutSeconds).length / d.length
      : null;
  return {
    expected_seconds: round(mean),
    p90_seconds: round(quantile(d, 0.9)),
    timeout_breach_probability: breach === null ? null : round(breach, 4),
  };
}

/** Linear-interpolated quantile of sorted values (0 when empty). */
function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function check(ok: unknown, why: string): asserts ok {
  artifactCheck(ok, DURATION_MODEL, why);
}

/** Serialises the duration model into the versioned artifact envelope. */
export function saveDurationModel(model: DurationModel): string {
  return encodeArtifact(DURATION_MODEL, { ...model.gbdt.params }, model.gbdt.featureNames, {
    gbdt: saveGbdt(model.gbdt),
    residuals: Array.from(model.residuals),
  });
}

/** Loads a duration artifact; a corrupt or foreign one throws AppError MODEL_INVALID. */
export function loadDurationModel(text: string): DurationModel {
  const artifact = decodeArtifact(text, DURATION_MODEL);
  const body = artifact.body as { gbdt?: unknown; residuals?: unknown };
  check(typeof body === 'object' && body !== null, 'body must be an object');
  check(typeof body.gbdt === 'string', 'gbdt must be a gbdt artifact');
  check(
    Array.isArray(body.residuals) && body.residuals.every((r) => typeof r === 'number' && Number.isFinite(r)),
    'residuals must be a list of finite numbers',
  );
  const gbdt = loadGbdt(body.gbdt);
  check(gbdt.params.objective === 'regression', 'the gbdt must be a regression model');
  return { gbdt, residuals: Float64Array.from(body.residuals as number[]).sort() };
}
