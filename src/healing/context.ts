/**
 * Builders of a HealingContext's parts from what the other rooms answer: the monitoring snapshot,
 * anomaly entries and incidents.
 */
import type { AnomalyEntry, Incident } from '../anomaly/index.js';
import type { DominantErrorPattern, PipelineSnapshot } from '../monitoring/index.js';
import type { AnomalyContext, IncidentContext, SignatureCount, SnapshotKpis } from './types.js';

/** The KPIs a runbook condition reads, from a monitoring snapshot. */
export function kpisFromSnapshot(s: PipelineSnapshot): SnapshotKpis {
  const m = s.metrics;
  return {
    sampled_events: s.sampled_events,
    failure_rate: m.failure_rate,
    failed_runs: m.failed_runs,
    retry_frequency: m.retry_frequency,
    retries: m.retries,
    previous_failure_rate: m.previous_window.failure_rate,
    previous_retry_frequency: m.previous_window.retry_frequency,
    avg_duration_seconds: m.avg_duration_seconds,
    p95_duration_seconds: m.p95_duration_seconds,
    duration_change_percent: m.duration_trend.change_percent,
    avg_latency_ms: m.avg_latency_ms,
    latency_spike: s.signals.latency_spike_detected,
    latency_robust_z: s.signals.latency.robust_z,
    avg_throughput_per_minute: m.avg_throughput_per_minute,
    throughput_drop: s.signals.throughput_drop_detected,
    throughput_change_percent: s.signals.throughput.change_percent,
    avg_cpu_percent: m.avg_cpu_percent,
    avg_memory_percent: m.avg_memory_percent,
    avg_data_volume_mb: m.avg_data_volume_mb,
    health_score: s.health.score,
    health_status: s.health.status,
    stage_failure_counts: m.stage_failure_counts,
  };
}

/**
 * Error signatures with their counts, most frequent first, from the snapshot's dominant patterns
 * (patterns without a signature count as `unknown`).
 */
export function signaturesFromPatterns(patterns: readonly DominantErrorPattern[]): SignatureCount[] {
  const counts = new Map<string, number>();
  for (const p of patterns) {
    const s = p.signature ?? 'unknown';
    counts.set(s, (counts.get(s) ?? 0) + p.count);
  }
  return [...counts]
    .map(([signature, count]) => ({ signature, count }))
    .sort((a, b) => b.count - a.count || (a.signature < b.signature ? -1 : 1));
}

/** The anomaly part of the context from a stored anomaly (numeric inputs become features). */
export function anomalyContext(a: AnomalyEntry): AnomalyContext {
  const features: Record<string, number> = {};
  for (const [k, v] of Object.entries(a.inputs))
    if (typeof v === 'number' && Number.isFinite(v)) features[k] = v;
  return {
    id: a.id,
    kind: a.kind,
    score: a.score,
    reasons: a.reasons,
    algorithm: a.algorithm,
    model_version: a.model_version,
    metric: a.metric,
    features,
  };
}

/** The incident part of the context. */
export function incidentContext(i: Incident): IncidentContext {
  return {
    id: i.id,
    kind: i.kind,
    anomaly_count: i.anomaly_count,
    max_score: i.max_score,
    opened_at: i.opened_at,
  };
}
