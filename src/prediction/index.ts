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
export {
  CONTEXT_FEATURES,
  ORIGINAL_FEATURES,
  PREDICTION_FEATURES,
  featureVector,
  triggerCode,
  type FeatureValues,
} from './features.js';
export {
  featuresAt,
  trainingFeatures,
  type PastRun,
  type PastStage,
  type PointInTime,
  type RunContext,
  type StageHistory,
  type StageInfo,
} from './past-runs.js';
export { heuristicFactors, heuristicRisk, type HeuristicRisk } from './heuristic.js';
export { stageRisks, type StageRisk, type StageRiskInput } from './stage-risk.js';
export { describeFeature, riskFactors, type Contribution } from './explain.js';
export {
  DURATION_MODEL,
  forecastDuration,
  loadDurationModel,
  saveDurationModel,
  trainDurationModel,
  windowForecast,
  type DurationForecast,
  type DurationMetrics,
  type DurationModel,
  type DurationRow,
} from './duration.js';
export {
  parsePredictRequest,
  parseSampleFeatures,
  parseTrainingSamples,
  type PredictRequest,
  type TrainingSample,
} from './request.js';
export {
  scoreHeuristic,
  scoreWithModel,
  versionedFailureModel,
  type FailureScore,
  type ModelType,
  type VersionedFailureModel,
} from './scoring.js';
export { ContributionCache } from './shap-cache.js';
