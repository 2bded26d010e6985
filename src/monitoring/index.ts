/** The monitoring room's public face: the sliding-window engine, its answers, and the error-message normaliser. */
export { MonitoringEngine } from './engine.js';
export { normalizeErrorMessage, MAX_PATTERN_LENGTH } from './normalize.js';
export { HEALTHY_FROM, DEGRADED_FROM } from './health.js';
export type {
  MonitoringOptions,
  MonitoringStats,
  PipelineSnapshot,
  PipelineHealthSummary,
  SnapshotMetrics,
  SnapshotSignals,
  LatencySignal,
  ThroughputSignal,
  SignalRule,
  DominantErrorPattern,
  ErrorPatternInfo,
  ErrorPatternNamer,
  DurationTrend,
  PreviousWindow,
  SampleCounts,
  HealthAssessment,
  HealthFactor,
  HealthFactorName,
  HealthStatus,
} from './types.js';
