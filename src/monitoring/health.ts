import type {
  HealthAssessment,
  HealthFactor,
  HealthStatus,
  SnapshotMetrics,
  SnapshotSignals,
} from './types.js';

/** Scores at or above this are healthy. */
export const HEALTHY_FROM = 0.8;
/** Scores at or above this (and below HEALTHY_FROM) are degraded; below, critical. */
export const DEGRADED_FROM = 0.5;
/** Average CPU or memory at or above this percentage counts as saturation. */
export const SATURATION_PERCENT = 90;
/** Retries per run at or above this cost health. */
export const RETRY_FREQUENCY_FLOOR = 0.2;
/** A mean duration this much (%) above the previous window's, or projected to rise this much over one window, costs health. */
export const DURATION_RISE_PERCENT = 25;
/** Runs with a duration needed in each window before the window-over-window change is trusted. */
export const MIN_COMPARE_RUNS = 3;
/** Runs with a duration needed before the in-window slope is trusted. */
export const MIN_SLOPE_RUNS = 10;

/** What the health score reads: the snapshot's KPIs. */
export interface HealthInput {
  readonly windowMinutes: number;
  readonly sampledEvents: number;
  readonly metrics: SnapshotMetrics;
  readonly signals: SnapshotSignals;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** A number for a sentence: whole above 100, one decimal above 10, else two; trailing zeros dropped. */
export function formatNumber(v: number): string {
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return String(Number(v.toFixed(digits)));
}

const pct = (share: number): string => `${Math.round(share * 100)}%`;
const signedPct = (p: number): string => `${p >= 0 ? '+' : '-'}${Math.round(Math.abs(p))}%`;

/**
 * Scores a pipeline in [0,1] as the product of (1 − penalty) over what is wrong — failures, latency
 * spike, throughput drop, retries, rising durations, CPU/memory saturation — each with a reason that
 * names the value and its baseline. Worst factor first.
 */
export function assessHealth(input: HealthInput): HealthAssessment {
  const span = `the last ${formatNumber(input.windowMinutes)} min`;
  const factors = [
    failureFactor(input, span),
    latencyFactor(input),
    throughputFactor(input),
    retryFactor(input, span),
    durationFactor(input, span),
    saturationFactor(
      'cpu_saturation',
      'CPU',
      input.metrics.avg_cpu_percent,
      input.metrics.samples.cpu_percent,
      span,
    ),
    saturationFactor(
      'memory_saturation',
      'memory',
      input.metrics.avg_memory_percent,
      input.metrics.samples.memory_percent,
      span,
    ),
  ]
    .filter((f): f is HealthFactor => f !== null)
    .sort((a, b) => b.penalty - a.penalty);
  let score = 1;
  for (const f of factors) score *= 1 - f.penalty;
  score = Math.round(score * 1000) / 1000;
  const reasons = factors.map((f) => f.reason);
  if (input.sampledEvents === 0) reasons.push(`no runs in ${span}`);
  return { score, status: statusOf(score), reasons, factors };
}

/** The status word for a score. */
export function statusOf(score: number): HealthStatus {
  if (score >= HEALTHY_FROM) return 'healthy';
  return score >= DEGRADED_FROM ? 'degraded' : 'critical';
}

function failureFactor({ metrics, sampledEvents }: HealthInput, span: string): HealthFactor | null {
  if (metrics.failed_runs === 0) return null;
  const prev = metrics.previous_window;
  const rate = metrics.failure_rate;
  let reason = `failure rate ${pct(rate)} over ${span} (${metrics.failed_runs} of ${sampledEvents} runs)`;
  if (prev.sampled_events > 0)
    reason += `; previous window ${pct(prev.failure_rate)} (${prev.failed_runs} of ${prev.sampled_events})`;
  return {
    factor: 'failure_rate',
    penalty: Math.min(1, 1.5 * rate),
    value: rate,
    baseline: prev.sampled_events > 0 ? prev.failure_rate : null,
    reason,
  };
}

function latencyFactor({ signals }: HealthInput): HealthFactor | null {
  const s = signals.latency;
  if (!signals.latency_spike_detected) return null;
  const robust = s.detected_by.includes('robust');
  const value = (robust ? s.recent_p95_ms : s.last5_max_ms) as number;
  const baseline = (robust ? s.baseline_median_ms : s.window_mean_ms) as number;
  const reason = robust
    ? `latency p95 ${formatNumber(value)} ms vs baseline ${formatNumber(baseline)} ms`
    : `latency ${formatNumber(value)} ms among the last 5 samples vs window mean ${formatNumber(baseline)} ms`;
  const penalty = baseline > 0 ? clamp(0.1 * (value / baseline - 1), 0.1, 0.4) : 0.4;
  return { factor: 'latency_spike', penalty, value, baseline, reason };
}

function throughputFactor({ signals }: HealthInput): HealthFactor | null {
  const s = signals.throughput;
  if (!signals.throughput_drop_detected) return null;
  const robust = s.detected_by.includes('robust');
  const value = (robust ? s.recent_median_per_minute : s.last5_min_per_minute) as number;
  const baseline = (robust ? s.baseline_median_per_minute : s.window_mean_per_minute) as number;
  const change = ((value - baseline) / baseline) * 100;
  const reason = robust
    ? `throughput ${formatNumber(value)}/min vs baseline ${formatNumber(baseline)}/min (${signedPct(change)})`
    : `throughput ${formatNumber(value)}/min among the last 5 samples vs window mean ${formatNumber(baseline)}/min`;
  return {
    factor: 'throughput_drop',
    penalty: clamp(0.5 * (1 - value / baseline), 0.1, 0.4),
    value,
    baseline,
    reason,
  };
}

function retryFactor({ metrics, sampledEvents }: HealthInput, span: string): HealthFactor | null {
  const rf = metrics.retry_frequency;
  if (sampledEvents === 0 || rf < RETRY_FREQUENCY_FLOOR) return null;
  const prev = metrics.previous_window;
  let reason = `retry frequency ${formatNumber(rf)} per run over ${span} (${metrics.retries} retries in ${sampledEvents} runs)`;
  if (prev.sampled_events > 0) reason += `; previous window ${formatNumber(prev.retry_frequency)}`;
  return {
    factor: 'retry_frequency',
    penalty: Math.min(0.3, 0.2 * rf),
    value: rf,
    baseline: prev.sampled_events > 0 ? prev.retry_frequency : null,
    reason,
  };
}

function durationFactor({ metrics, windowMinutes }: HealthInput, span: string): HealthFactor | null {
  const trend = metrics.duration_trend;
  const prev = metrics.previous_window;
  const avg = metrics.avg_duration_seconds;
  const comparable =
    metrics.samples.duration >= MIN_COMPARE_RUNS && prev.duration_samples >= MIN_COMPARE_RUNS;
  if (comparable && trend.change_percent !== null) {
    if (trend.change_percent < DURATION_RISE_PERCENT) return null;
    return {
      factor: 'duration_trend',
      penalty: Math.min(0.3, (0.3 * trend.change_percent) / 100),
      value: avg,
      baseline: prev.avg_duration_seconds,
      reason:
        `avg duration ${formatNumber(avg)} s vs ${formatNumber(prev.avg_duration_seconds)} s in the previous ` +
        `${formatNumber(windowMinutes)} min (${signedPct(trend.change_percent)})`,
    };
  }
  const slope = trend.slope_seconds_per_hour;
  if (slope === null || metrics.samples.duration < MIN_SLOPE_RUNS || avg <= 0) return null;
  const risePercent = ((slope * windowMinutes) / 60 / avg) * 100;
  if (risePercent < DURATION_RISE_PERCENT) return null;
  return {
    factor: 'duration_trend',
    penalty: Math.min(0.3, (0.3 * risePercent) / 100),
    value: slope,
    baseline: avg,
    reason: `duration rising ${formatNumber(slope)} s/h (avg ${formatNumber(avg)} s over ${span})`,
  };
}

function saturationFactor(
  factor: 'cpu_saturation' | 'memory_saturation',
  label: string,
  avg: number,
  samples: number,
  span: string,
): HealthFactor | null {
  if (samples === 0 || avg < SATURATION_PERCENT) return null;
  return {
    factor,
    penalty: 0.15 + (avg - SATURATION_PERCENT) / 100,
    value: avg,
    baseline: SATURATION_PERCENT,
    reason: `${label} ${formatNumber(avg)}% on average over ${span} (saturation at ${SATURATION_PERCENT}%)`,
  };
}
