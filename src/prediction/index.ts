/**
 * The prediction room's public face. Pure: callers bring the rows, times, seeds and storage.
 */
export {
  DEFAULT_HORIZONS_MS,
  DEFAULT_LAST_N,
  historyFeatureNames,
  historyFeatures,
  nextHistoryFeatures,
  type HistoryEvent,
  type HistoryOptions,
} from './history.js';
export {
  FAILURE_GBDT_DEFAULTS,
  trainFailureModel,
  type TrainFailureOptions,
  type TrainingRow,
} from './training.js';
export {
  contributions,
  predictFailure,
  predictFailures,
  type CalibrationChoice,
  type CalibrationMethod,
  type FailureContributions,
  type FailureMetrics,
  type FailureModel,
  type FailureThreshold,
  type FailureThresholds,
  type ThresholdRule,
  type TrainingSummary,
} from './failure-model.js';
export { FAILURE_MODEL, decodeFailureModel, encodeFailureModel } from './artifact.js';
