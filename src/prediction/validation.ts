import {
  averagePrecision,
  brierScore,
  expectedCalibrationError,
  precisionAtK,
  rocAuc,
  thresholdForPrecision,
  thresholdMaxF1,
  type ThresholdChoice,
} from '../ml/index.js';
import type { FailureMetrics, FailureThreshold, FailureThresholds } from './failure-model.js';

// A threshold that catches fewer validation failures than this is luck, not evidence.
const MIN_CAUGHT = 3;
const TOP_K = 10;
// Without validation data: alert at even odds, never act on its own.
const UNTESTED_ALERT = 0.5;

function fromChoice(c: ThresholdChoice, rule: FailureThreshold['rule']): FailureThreshold {
  return { value: c.threshold, rule, precision: c.precision, recall: c.recall };
}

function reaches(
  y: Float64Array,
  p: Float64Array,
  positives: number,
  target: number,
): ThresholdChoice | undefined {
  const c = thresholdForPrecision(y, p, target);
  return c && Math.round(c.recall * positives) >= Math.min(MIN_CAUGHT, positives) ? c : undefined;
}

/**
 * Alert: the lowest threshold reaching `alertPrecision` on validation, else the max-F1 one. Act: the
 * lowest reaching `actPrecision`, else never (null). A threshold
 * counts only if it catches at least a few validation failures. Needs both classes in `y`.
 */
export function chooseThresholds(
  y: Float64Array,
  p: Float64Array,
  alertPrecision: number,
  actPrecision: number,
): FailureThresholds {
  let positives = 0;
  for (const v of y) positives += v;
  const alertChoice = reaches(y, p, positives, alertPrecision);
  const alert = alertChoice
    ? fromChoice(alertChoice, 'target_precision')
    : fromChoice(thresholdMaxF1(y, p), 'max_f1');
  const actChoice = reaches(y, p, positives, actPrecision);
  // A higher target is reached, if at all, at a threshold no lower than the alert's.
  const act: FailureThreshold = actChoice
    ? fromChoice(actChoice, 'target_precision')
    : { value: null, rule: 'unreachable', precision: null, recall: null };
  return { alert, act };
}

/** Thresholds for a model that had no validation slice. */
export function untestedThresholds(): FailureThresholds {
  return {
    alert: { value: UNTESTED_ALERT, rule: 'default', precision: null, recall: null },
    act: { value: null, rule: 'unreachable', precision: null, recall: null },
  };
}

/** Metrics of calibrated probabilities `p` on the validation labels `y` (both classes present). */
export function validationMetrics(y: Float64Array, p: Float64Array, trainBaseRate: number): FailureMetrics {
  let positives = 0;
  for (const v of y) positives += v;
  return {
    roc_auc: rocAuc(y, p),
    pr_auc: averagePrecision(y, p),
    precision_at_10: precisionAtK(y, p, Math.min(TOP_K, y.length)),
    brier: brierScore(y, p),
    brier_base_rate: brierScore(y, new Float64Array(y.length).fill(trainBaseRate)),
    ece: expectedCalibrationError(y, p),
    base_rate: positives / y.length,
    samples: y.length,
  };
}
