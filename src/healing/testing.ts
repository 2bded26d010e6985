/** Test helpers of the healing room (not part of its public face). */
import type { HealingContext, SnapshotKpis } from './types.js';

/** KPIs of a quiet, healthy window, with `overrides`. */
export function quietKpis(overrides: Partial<SnapshotKpis> = {}): SnapshotKpis {
  return {
    sampled_events: 10,
    failure_rate: 0,
    failed_runs: 0,
    retry_frequency: 0,
    retries: 0,
    previous_failure_rate: 0,
    previous_retry_frequency: 0,
    avg_duration_seconds: 60,
    p95_duration_seconds: 80,
    duration_change_percent: 0,
    avg_latency_ms: 100,
    latency_spike: false,
    latency_robust_z: 0,
    avg_throughput_per_minute: 500,
    throughput_drop: false,
    throughput_change_percent: 0,
    avg_cpu_percent: 40,
    avg_memory_percent: 50,
    avg_data_volume_mb: 10,
    health_score: 1,
    health_status: 'healthy',
    stage_failure_counts: {},
    ...overrides,
  };
}

/** A context for pipeline `id` (stages extract → transform (non-critical) → load), with `overrides`. */
export function makeContext(
  overrides: Partial<HealingContext> & { kpis?: Partial<SnapshotKpis> } = {},
  id = 'p1',
): HealingContext {
  const { kpis, ...rest } = overrides;
  return {
    pipeline: {
      id,
      name: `pipeline ${id}`,
      is_active: true,
      is_critical: false,
      tags: ['etl'],
      timeout_seconds: 600,
      version: 3,
      stages: [
        { id: 's1', name: 'extract', is_critical: true },
        { id: 's2', name: 'transform', is_critical: false },
        { id: 's3', name: 'load', is_critical: true },
      ],
    },
    trigger: { kind: 'tick', id: 't1', at: 0 },
    snapshot: quietKpis(kpis),
    anomaly: null,
    prediction: null,
    incident: null,
    signatures: [],
    failing_stage: null,
    execution_id: null,
    ...rest,
  };
}
