/**
 * What the monitoring engine answers. The first fields of every object keep the original backend's
 * snapshot shape exactly (SEED_API.md, "Monitoring"); the rest are the richer KPIs. snake_case,
 * because these objects go out as JSON unchanged.
 */
import type { Clock } from '../shared/index.js';

/** Engine settings; durations in ms. */
export interface MonitoringOptions {
  /** Length of the live window (the service default is 60 min). */
  windowMs: number;
  /** Cap on live events per pipeline, all kinds together; the oldest leave first. */
  maxEventsPerPipeline: number;
  clock: Clock;
  /**
   * Groups error messages into the dominant patterns (the log template miner in the service);
   * without it, messages are grouped by `normalizeErrorMessage` and entries carry no signature.
   */
  errorPatterns?: ErrorPatternNamer;
}

/** What a pattern key stands for now: its template and the error signature of that template. */
export interface ErrorPatternInfo {
  readonly template_id: string;
  /** The template text (`<*>` marks a variable). */
  readonly pattern: string;
  readonly signature: string;
}

/** Names error messages for the engine; pure and cheap, as the engine asks on every add and removal. */
export interface ErrorPatternNamer {
  /** A message's key: the same message always gets the same key, messages of one shape share it. */
  keyOf(message: string): string;
  /** What a key stands for now; undefined when no template is known for it. */
  describe(key: string): ErrorPatternInfo | undefined;
  /** Changes whenever `describe` may answer differently (a template was born or merged). */
  epoch(): number;
}

/** One error shape and how often it occurred in the window; `share` is of all error occurrences. */
export interface DominantErrorPattern {
  readonly pattern: string;
  readonly count: number;
  readonly share: number;
  /** With an injected namer: the error signature, and the template (null when none is known yet). */
  readonly signature?: string;
  readonly template_id?: string | null;
}

/** How many values each average was computed from (null values are not reported and not counted). */
export interface SampleCounts {
  readonly duration: number;
  readonly cpu_percent: number;
  readonly memory_percent: number;
  readonly throughput_per_minute: number;
  readonly latency_ms: number;
  readonly data_volume_mb: number;
}

/** Execution duration over time. */
export interface DurationTrend {
  /** Least-squares slope of duration over event time, seconds per hour; null below 3 runs or without time spread. */
  readonly slope_seconds_per_hour: number | null;
  /** % change of the mean duration vs the previous window; null when that window has no durations. */
  readonly change_percent: number | null;
}

/** The window before the live one: [now − 2·window, now − window), plus runs pushed out early by the count cap. */
export interface PreviousWindow {
  readonly sampled_events: number;
  readonly failed_runs: number;
  readonly failure_rate: number;
  readonly retry_frequency: number;
  readonly avg_duration_seconds: number;
  readonly duration_samples: number;
}

/** Window KPIs. The first seven fields are the original's; missing values average to 0 as there. */
export interface SnapshotMetrics {
  readonly avg_duration_seconds: number;
  readonly failure_rate: number;
  readonly retry_frequency: number;
  readonly avg_cpu_percent: number;
  readonly avg_memory_percent: number;
  readonly avg_throughput_per_minute: number;
  readonly avg_latency_ms: number;
  readonly failed_runs: number;
  /** Execution plus stage retries. */
  readonly retries: number;
  readonly p95_duration_seconds: number;
  readonly avg_data_volume_mb: number;
  /** Every live event of every kind (sampled_events counts execution records only). */
  readonly windowed_events: number;
  readonly samples: SampleCounts;
  readonly duration_trend: DurationTrend;
  readonly previous_window: PreviousWindow;
  /** Failed stage runs by stage name, worst first; stages seen without failures appear with 0. */
  readonly stage_failure_counts: Readonly<Record<string, number>>;
}

/** Which rule raised a signal: the original's window-mean rule or the robust median/MAD rule. */
export type SignalRule = 'window_mean' | 'robust';

/** Latency of the most recent values against the window's baseline. Null where there are no values. */
export interface LatencySignal {
  readonly samples: number;
  readonly window_mean_ms: number | null;
  /** Highest of the last 5 values (the original rule: spike when above twice the window mean). */
  readonly last5_max_ms: number | null;
  readonly recent_p95_ms: number | null;
  readonly baseline_median_ms: number | null;
  readonly baseline_mad_ms: number | null;
  /** (recent p95 − baseline median) / (1.4826 · MAD); null when the MAD is 0. */
  readonly robust_z: number | null;
  readonly detected_by: readonly SignalRule[];
}

/** Throughput of the most recent values against the window's baseline. Null where there are no values. */
export interface ThroughputSignal {
  readonly samples: number;
  readonly window_mean_per_minute: number | null;
  /** Lowest of the last 5 values (the original rule: drop when below half the window mean). */
  readonly last5_min_per_minute: number | null;
  readonly recent_median_per_minute: number | null;
  readonly baseline_median_per_minute: number | null;
  readonly baseline_mad_per_minute: number | null;
  /** % change of the recent median vs the baseline median. */
  readonly change_percent: number | null;
  readonly detected_by: readonly SignalRule[];
}

/** Signals; the first three fields are the original's. */
export interface SnapshotSignals {
  readonly latency_spike_detected: boolean;
  readonly throughput_drop_detected: boolean;
  /** Top 5 by count. */
  readonly dominant_error_patterns: readonly DominantErrorPattern[];
  readonly latency: LatencySignal;
  readonly throughput: ThroughputSignal;
}

/** healthy ≥ 0.8 > degraded ≥ 0.5 > critical. */
export type HealthStatus = 'healthy' | 'degraded' | 'critical';

/** What a health deduction is about. */
export type HealthFactorName =
  | 'failure_rate'
  | 'latency_spike'
  | 'throughput_drop'
  | 'retry_frequency'
  | 'duration_trend'
  | 'cpu_saturation'
  | 'memory_saturation';

/** One deduction from the health score: what was seen, against what, and how much it cost. */
export interface HealthFactor {
  readonly factor: HealthFactorName;
  /** Share of the score taken away, 0..1; the score is the product of (1 − penalty). */
  readonly penalty: number;
  readonly value: number;
  readonly baseline: number | null;
  readonly reason: string;
}

/** Health in [0,1] (1 = nothing wrong seen) with the reasons behind it, worst first. */
export interface HealthAssessment {
  readonly score: number;
  readonly status: HealthStatus;
  /** Human-readable: each factor's reason, or a note when the window holds no runs. */
  readonly reasons: readonly string[];
  readonly factors: readonly HealthFactor[];
}

/** A pipeline's live KPIs; `GET /api/monitoring/{pipeline_id}/snapshot` answers it as is. */
export interface PipelineSnapshot {
  readonly pipeline_id: string;
  readonly window_minutes: number;
  /** Execution records in the live window (running then completed of one execution is one record). */
  readonly sampled_events: number;
  readonly metrics: SnapshotMetrics;
  readonly signals: SnapshotSignals;
  readonly health: HealthAssessment;
  /** ISO-8601 time of the engine clock when asked. */
  readonly generated_at: string;
}

/** One row of the fleet list, worst health first. */
export interface PipelineHealthSummary {
  readonly pipeline_id: string;
  readonly health_score: number;
  readonly sampled_events: number;
  readonly failure_rate: number;
  readonly reasons: readonly string[];
}

/** Engine size, for /metrics and the benchmark. */
export interface MonitoringStats {
  /** Pipelines the engine knows, with or without events in the window. */
  pipelines: number;
  /** Live events of all kinds across pipelines. */
  windowedEvents: number;
  /** Execution records kept for the previous-window comparison. */
  historyEvents: number;
}
