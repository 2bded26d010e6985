import { SeededRng, ValidationError } from '../shared/index.js';
import {
  IsotonicCalibrator,
  brierScore,
  PlattCalibrator,
  predictRaw,
  timeOrderedSplit,
  trainGbdt,
  type GbdtModel,
  type Matrix,
} from '../ml/index.js';
import {
  calibrate,
  type CalibrationChoice,
  type CalibrationMethod,
  type FailureModel,
  type TrainingSummary,
} from './failure-model.js';
import { chooseThresholds, untestedThresholds, validationMetrics } from './validation.js';

/** One labelled run: when it started, its features (in `featureNames` order), whether it failed. */
export interface TrainingRow {
  readonly time: number;
  readonly features: ArrayLike<number>;
  readonly label: 0 | 1;
}

/** Settings of `trainFailureModel`; every one has a default. */
export interface TrainFailureOptions {
  /** Seed of the GBDT's random choices. @default 0 */
  readonly seed?: number;
  /** GBDT hyperparameters (GBDT_PARAMS names) over FAILURE_GBDT_DEFAULTS. */
  readonly params?: Readonly<Record<string, unknown>>;
  /**
   * `auto` fits Platt and isotonic on the calibration slice and keeps whichever of them, or the
   * GBDT's own probabilities (`none`), scores the lowest Brier on validation. @default 'auto'
   */
  readonly calibration?: 'auto' | CalibrationMethod;
  /** Precision the alert threshold must reach on validation. @default 0.6 */
  readonly alertPrecision?: number;
  /** Precision the auto-remediation threshold must reach on validation. @default 0.8 */
  readonly actPrecision?: number;
  /** Share of the latest rows for validation (metrics, thresholds, calibration choice). @default 0.15 */
  readonly validationFraction?: number;
  /** Share of rows before those for early stopping and fitting the calibrator. @default 0.15 */
  readonly calibrationFraction?: number;
  /** Fewer rows than this train on everything, without a split or calibration. @default 60 */
  readonly minSplitRows?: number;
}

/** The GBDT settings failure models start from: slow learning, small trees, early stopping. */
export const FAILURE_GBDT_DEFAULTS: Readonly<Record<string, unknown>> = Object.freeze({
  n_estimators: 500,
  learning_rate: 0.05,
  num_leaves: 15,
  min_samples_leaf: 20,
  lambda_l2: 1,
  early_stopping_rounds: 30,
});

const DEFAULTS = {
  seed: 0,
  calibration: 'auto',
  alertPrecision: 0.6,
  actPrecision: 0.8,
  validationFraction: 0.15,
  calibrationFraction: 0.15,
  minSplitRows: 60,
} as const;

type Resolved = Required<Omit<TrainFailureOptions, 'params'>> & {
  params: Readonly<Record<string, unknown>>;
};

/**
 * Trains a failure model with a time split and no leakage: the oldest rows fit the GBDT, the next
 * slice stops its boosting early and fits the calibrator, the latest slice picks the calibration
 * (in `auto`), chooses the alert and act thresholds and yields the metrics. With too few rows, or a
 * slice holding one class only, it trains on all rows uncalibrated and says so in `training.note`.
 */
export function trainFailureModel(
  rows: readonly TrainingRow[],
  featureNames: readonly string[],
  options: TrainFailureOptions = {},
): FailureModel {
  const o = resolveOptions(options);
  const { x, y, times } = toArrays(rows, featureNames);
  const slices = splitByTime(times, y, o);
  if (typeof slices === 'string') return trainWithoutSplit(x, y, times, featureNames, o, slices);
  const fit = take(x, y, slices.fit);
  const cal = take(x, y, slices.calibration);
  const val = take(x, y, slices.validation);
  const gbdt = trainGbdt(fit, {
    params: o.params,
    rng: new SeededRng(o.seed),
    featureNames,
    valid: o.params.early_stopping_rounds === 0 ? undefined : cal,
  });
  const calRaw = rawScores(gbdt, cal.x);
  const valRaw = rawScores(gbdt, val.x);
  const calibration = chooseCalibration(o.calibration, calRaw, cal.y, valRaw, val.y);
  const valProb = calibrate(calibration, valRaw.slice());
  const trainRate = mean(fit.y);
  const training: TrainingSummary = {
    split: 'time',
    train_samples: fit.y.length,
    calibration_samples: cal.y.length,
    validation_samples: val.y.length,
    trained_until: maxOf(times),
    trees: gbdt.trees.length,
    calibration: calibration.method,
    note: null,
  };
  return {
    gbdt,
    featureNames: [...featureNames],
    calibration,
    thresholds: chooseThresholds(val.y, valProb, o.alertPrecision, o.actPrecision),
    metrics: validationMetrics(val.y, valProb, trainRate),
    training,
  };
}

function resolveOptions(options: TrainFailureOptions): Resolved {
  // An option given as undefined means "the default", as if it were absent.
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = { ...DEFAULTS, ...given, params: { ...FAILURE_GBDT_DEFAULTS, ...options.params } } as Resolved;
  const share = (name: string, v: number, max: number): void => {
    if (!(v > 0 && v < max)) throw new ValidationError(name, `${name} must lie in (0, ${max}), got ${v}`);
  };
  share('validationFraction', o.validationFraction, 0.5);
  share('calibrationFraction', o.calibrationFraction, 0.5);
  share('alertPrecision', o.alertPrecision, 1.000001);
  share('actPrecision', o.actPrecision, 1.000001);
  if (o.actPrecision < o.alertPrecision) {
    throw new ValidationError('actPrecision', 'actPrecision must be at least alertPrecision');
  }
  if (!['auto', 'isotonic', 'platt', 'none'].includes(o.calibration)) {
    throw new ValidationError('calibration', `calibration must be auto, isotonic, platt or none`);
  }
  return o;
}

function toArrays(
  rows: readonly TrainingRow[],
  featureNames: readonly string[],
): { x: Matrix; y: Float64Array; times: Float64Array } {
  const n = rows.length;
  const cols = featureNames.length;
  if (n === 0) throw new ValidationError('rows', 'no training rows');
  if (cols === 0) throw new ValidationError('featureNames', 'no features');
  const data = new Float64Array(n * cols);
  const y = new Float64Array(n);
  const times = new Float64Array(n);
  rows.forEach((row, r) => {
    if (row.features.length !== cols) {
      throw new ValidationError(
        `rows.${r}.features`,
        `row ${r} has ${row.features.length} features, ${cols} are named`,
      );
    }
    if (row.label !== 0 && row.label !== 1) {
      throw new ValidationError(`rows.${r}.label`, `row ${r}: label must be 0 or 1`);
    }
    if (!Number.isFinite(row.time)) {
      throw new ValidationError(`rows.${r}.time`, `row ${r}: time must be a finite number`);
    }
    for (let c = 0; c < cols; c++) data[r * cols + c] = row.features[c];
    y[r] = row.label;
    times[r] = row.time;
  });
  return { x: { data, rows: n, cols }, y, times };
}

interface Slices {
  fit: Uint32Array;
  calibration: Uint32Array;
  validation: Uint32Array;
}

/** Three time-ordered slices with both classes where needed, or the reason there are none. */
function splitByTime(times: Float64Array, y: Float64Array, o: Resolved): Slices | string {
  const n = times.length;
  if (n < o.minSplitRows) return `${n} rows are fewer than ${o.minSplitRows}, too few for a time split`;
  const outer = timeOrderedSplit(times, 1 - o.validationFraction);
  const restTimes = Float64Array.from(outer.train, (i) => times[i]);
  const inner = timeOrderedSplit(restTimes, 1 - o.calibrationFraction / (1 - o.validationFraction));
  const slices = {
    fit: inner.train.map((i) => outer.train[i]),
    calibration: inner.test.map((i) => outer.train[i]),
    validation: outer.test,
  };
  for (const [name, idx] of Object.entries(slices)) {
    if (!hasBothClasses(y, idx)) return `the ${name} slice does not hold both outcomes`;
  }
  return slices;
}

function hasBothClasses(y: Float64Array, idx: Uint32Array): boolean {
  let pos = 0;
  for (const i of idx) pos += y[i];
  return pos > 0 && pos < idx.length;
}

/** Small or one-sided data: every row fits the GBDT (leaves may be small), no calibration. */
function trainWithoutSplit(
  x: Matrix,
  y: Float64Array,
  times: Float64Array,
  featureNames: readonly string[],
  o: Resolved,
  why: string,
): FailureModel {
  const leaf = Math.max(1, Math.min(Number(o.params.min_samples_leaf), Math.floor(y.length / 10)));
  const gbdt = trainGbdt(
    { x, y },
    {
      params: { ...o.params, early_stopping_rounds: 0, min_samples_leaf: leaf },
      rng: new SeededRng(o.seed),
      featureNames,
    },
  );
  const calibration: CalibrationChoice = { method: 'none' };
  const summary: TrainingSummary = {
    split: 'none',
    train_samples: y.length,
    calibration_samples: 0,
    validation_samples: 0,
    trained_until: maxOf(times),
    trees: gbdt.trees.length,
    calibration: 'none',
    note: `${why}: trained on all rows, uncalibrated, thresholds not validated`,
  };
  return {
    gbdt,
    featureNames: [...featureNames],
    calibration,
    thresholds: untestedThresholds(),
    metrics: {
      roc_auc: null,
      pr_auc: null,
      precision_at_10: null,
      brier: null,
      brier_base_rate: null,
      ece: null,
      base_rate: mean(y),
      samples: 0,
    },
    training: summary,
  };
}

/**
 * Fits the calibrator(s) on the calibration slice; `auto` keeps the lowest validation Brier among
 * Platt, isotonic and none — a calibrator is worth keeping only if it helps on later data.
 */
function chooseCalibration(
  wanted: Resolved['calibration'],
  calRaw: Float64Array,
  calY: Float64Array,
  valRaw: Float64Array,
  valY: Float64Array,
): CalibrationChoice {
  const fitOne = (method: CalibrationMethod): CalibrationChoice => {
    if (method === 'isotonic') return { method, calibrator: IsotonicCalibrator.fit(calRaw, calY) };
    if (method === 'platt') return { method, calibrator: PlattCalibrator.fit(calRaw, calY) };
    return { method: 'none' };
  };
  if (wanted !== 'auto') return fitOne(wanted);
  const candidates = [fitOne('platt'), fitOne('isotonic'), fitOne('none')];
  const scored = candidates.map((c) => ({ c, brier: brierScore(valY, calibrate(c, valRaw.slice())) }));
  // Ties go to the earlier candidate: Platt, the smoothest.
  return scored.reduce((best, s) => (s.brier < best.brier ? s : best)).c;
}

function take(x: Matrix, y: Float64Array, idx: Uint32Array): { x: Matrix; y: Float64Array } {
  const cols = x.cols;
  const data = new Float64Array(idx.length * cols);
  idx.forEach((i, r) => data.set(x.data.subarray(i * cols, (i + 1) * cols), r * cols));
  return { x: { data, rows: idx.length, cols }, y: Float64Array.from(idx, (i) => y[i]) };
}

function rawScores(model: GbdtModel, x: Matrix): Float64Array {
  const out = new Float64Array(x.rows);
  predictRaw(model, x, out);
  return out;
}

function mean(v: Float64Array): number {
  let s = 0;
  for (const a of v) s += a;
  return s / v.length;
}

function maxOf(v: Float64Array): number {
  let m = -Infinity;
  for (const a of v) m = Math.max(m, a);
  return m;
}
