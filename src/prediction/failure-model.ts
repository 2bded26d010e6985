import { ValidationError } from '../shared/index.js';
import {
  contributions as treeShap,
  predictRaw,
  type Calibrator,
  type GbdtModel,
  type IsotonicCalibrator,
  type Matrix,
  type PlattCalibrator,
} from '../ml/index.js';

/** How raw scores become probabilities: a calibrator fitted on a later time slice, or the sigmoid. */
export type CalibrationChoice =
  | { readonly method: 'isotonic'; readonly calibrator: IsotonicCalibrator }
  | { readonly method: 'platt'; readonly calibrator: PlattCalibrator }
  | { readonly method: 'none' };

export type CalibrationMethod = CalibrationChoice['method'];

/** How a threshold was chosen on the validation slice. */
export type ThresholdRule = 'target_precision' | 'max_f1' | 'default' | 'unreachable';

/** An operating point on calibrated probabilities: act when p ≥ value; null = never. */
export interface FailureThreshold {
  readonly value: number | null;
  readonly rule: ThresholdRule;
  /** Precision and recall it reached on the validation slice (null when not measured). */
  readonly precision: number | null;
  readonly recall: number | null;
}

/** `alert` raises an alert / insight; `act` is the stricter point for auto-remediation. */
export interface FailureThresholds {
  readonly alert: FailureThreshold;
  readonly act: FailureThreshold;
}

/** Validation-slice metrics of the calibrated model; null where the slice cannot measure it. */
export interface FailureMetrics {
  readonly roc_auc: number | null;
  readonly pr_auc: number | null;
  readonly precision_at_10: number | null;
  readonly brier: number | null;
  /** Brier of always predicting the training base rate, to compare `brier` with. */
  readonly brier_base_rate: number | null;
  readonly ece: number | null;
  /** Failure rate of the validation slice (of all rows without a split). */
  readonly base_rate: number;
  /** Rows the metrics were measured on (0 without a split). */
  readonly samples: number;
}

/** How the model was trained: the split, its sizes and what was left out and why. */
export interface TrainingSummary {
  readonly split: 'time' | 'none';
  readonly train_samples: number;
  readonly calibration_samples: number;
  readonly validation_samples: number;
  /** Latest row time seen in training (fit + calibration + validation slices). */
  readonly trained_until: number;
  readonly trees: number;
  readonly calibration: CalibrationMethod;
  /** Set when the data was too small or one-sided for the full strategy. */
  readonly note: string | null;
}

/** A trained failure model: GBDT, calibration, thresholds and metrics. Immutable. */
export interface FailureModel {
  readonly gbdt: GbdtModel;
  readonly featureNames: readonly string[];
  readonly calibration: CalibrationChoice;
  readonly thresholds: FailureThresholds;
  readonly metrics: FailureMetrics;
  readonly training: TrainingSummary;
}

/** SHAP values of one row on the raw (log-odds) scale: they sum with `expectedRaw` to its raw score. */
export interface FailureContributions {
  readonly values: Float64Array;
  readonly expectedRaw: number;
}

/** Maps raw scores to probabilities in place, by the chosen calibration. */
export function calibrate(calibration: CalibrationChoice, raw: Float64Array): Float64Array {
  if (calibration.method === 'none') {
    for (let i = 0; i < raw.length; i++) raw[i] = 1 / (1 + Math.exp(-raw[i]));
    return raw;
  }
  const calibrator: Calibrator = calibration.calibrator;
  return calibrator.transform(raw, raw);
}

function rowMatrix(model: FailureModel, x: ArrayLike<number>): Matrix {
  const cols = model.featureNames.length;
  if (x.length !== cols) {
    throw new ValidationError('features', `${x.length} feature values, the model reads ${cols}`);
  }
  return { data: Float64Array.from(x), rows: 1, cols };
}

/** Calibrated failure probability of each row of `x`, written into `out`. */
export function predictFailures(model: FailureModel, x: Matrix, out: Float64Array): void {
  predictRaw(model.gbdt, x, out);
  calibrate(model.calibration, out.subarray(0, x.rows));
}

/** Calibrated failure probability in [0, 1] of one feature row (in `featureNames` order). */
export function predictFailure(model: FailureModel, x: ArrayLike<number>): number {
  const out = new Float64Array(1);
  predictFailures(model, rowMatrix(model, x), out);
  return out[0];
}

/** The calibrated probability of one raw score: what predictFailure gives for the row that scored it. */
export function probabilityOfRaw(model: FailureModel, raw: number): number {
  const out = new Float64Array(1);
  out[0] = raw;
  return calibrate(model.calibration, out)[0];
}

/** TreeSHAP contribution of each feature to one row's raw score, for explanations. */
export function contributions(model: FailureModel, x: ArrayLike<number>): FailureContributions {
  const cols = model.featureNames.length;
  const out = new Float64Array(cols + 1);
  treeShap(model.gbdt, rowMatrix(model, x), out);
  return { values: out.subarray(0, cols), expectedRaw: out[cols] };
}
