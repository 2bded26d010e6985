/**
 * The anomaly room's public face: features, baselines, the hybrid detector (Isolation Forest +
 * z-scores + rules), online inference with incidents, the streaming single-series detector and the
 * NAB scorer. Pure: callers bring the clock, ids, models and storage.
 */
export {
  CORE_FEATURES,
  FEATURES,
  FEATURE_NAMES,
  emptyRecord,
  errorPatternScore,
  errorSignatures,
  hourOfRow,
  recordFeatures,
  type AnomalyRecord,
  type FeatureName,
} from './features.js';
export { parseAnomalyRecord, parseTrainingBody } from './record.js';
export {
  FALSE_ALARM_WEIGHT,
  MAX_TOLERANCE,
  feedbackTolerances,
  type LabelledRun,
  type Tolerances,
} from './feedback.js';
export { withFeedback } from './learn-feedback.js';
export { MIN_EXPLAINED, MIN_PER_SECTOR, SECTORS, detectSeason, type Season } from './season.js';
export {
  MIN_PIPELINE_SAMPLES,
  buildBaselines,
  computeBaseline,
  emptyBaselines,
  featureStats,
  statsAt,
  type Baseline,
  type BaselineScope,
  type BaselineSet,
  type FeatureStats,
} from './baseline.js';
export {
  ANOMALY_MODEL,
  DEFAULT_CONTAMINATION,
  MIN_TRAINING_ROWS,
  decodeAnomalyModel,
  encodeAnomalyModel,
  trainAnomalyModel,
  type AnomalyModel,
  type TrainOptions,
} from './model.js';
export { DEFAULT_THRESHOLD, Z_LIMIT, calibrate, rawScore, zEvidence, type Calibration } from './scoring.js';
export { RULES, type RuleName } from './rules.js';
export {
  detect,
  isAnomalous,
  type AnomalyAlgorithm,
  type DetectContext,
  type Detection,
  type VersionedModel,
} from './detector.js';
export { RunFeatureTracker, type RunFeatureOptions } from './run-features.js';
export { RecentRuns } from './recent-runs.js';
export {
  MetricStreams,
  STREAM_METRICS,
  type MetricStreamOptions,
  type StreamVerdict,
} from './metric-streams.js';
export {
  ANOMALY_KINDS,
  IncidentTracker,
  type AnomalyKind,
  type Incident,
  type IncidentChange,
  type IncidentOptions,
} from './incidents.js';
export {
  OnlineAnomalyDetector,
  type AnomalyEntry,
  type OnlineOptions,
  type OnlineOutcome,
} from './online.js';
export * from './streaming/index.js';
export * from './nab/index.js';
