import { hasDuration, type HistoryAggregates, type LiveAggregates } from './aggregates.js';
import { assessHealth } from './health.js';
import { quantileSorted, sortedCopy } from './robust.js';
import { latencySignal, throughputSignal, type SignalScratch } from './signals.js';
import type {
  DominantErrorPattern,
  ErrorPatternInfo,
  ErrorPatternNamer,
  PipelineSnapshot,
  PreviousWindow,
  SnapshotMetrics,
  SnapshotSignals,
} from './types.js';
import type { PipelineWindow } from './window.js';

/** How many error patterns a snapshot lists. */
export const TOP_PATTERNS = 5;

/** Buffers snapshots fill, grown to the largest window seen and reused, so a snapshot allocates little. */
export class SnapshotScratch {
  latency = new Float64Array(0);
  throughput = new Float64Array(0);
  durations = new Float64Array(0);
  readonly signal: SignalScratch = { a: new Float64Array(0), b: new Float64Array(0) };

  /** Makes every buffer hold at least `n` values. */
  ensure(n: number): void {
    if (this.latency.length >= n) return;
    const size = Math.max(64, 2 ** Math.ceil(Math.log2(n)));
    this.latency = new Float64Array(size);
    this.throughput = new Float64Array(size);
    this.durations = new Float64Array(size);
    this.signal.a = new Float64Array(size);
    this.signal.b = new Float64Array(size);
  }
}

interface Series {
  latency: number;
  throughput: number;
  durations: number;
}

/** Copies the live window's latency, throughput and duration values, in event-time order, into `scratch`. */
function collectSeries(window: PipelineWindow, scratch: SnapshotScratch): Series {
  scratch.ensure(window.live.size);
  const { latency, throughput, durations } = scratch;
  const n: Series = { latency: 0, throughput: 0, durations: 0 };
  const push = (buffer: Float64Array, key: keyof Series, v: number | null): void => {
    if (v !== null && Number.isFinite(v)) buffer[n[key]++] = v;
  };
  window.live.forEach((e) => {
    if (e.kind === 'execution') {
      push(latency, 'latency', e.latency_ms);
      push(throughput, 'throughput', e.throughput_per_minute);
      if (hasDuration(e)) push(durations, 'durations', e.duration_seconds);
    } else if (e.kind === 'metric') {
      if (e.name === 'latency_ms') push(latency, 'latency', e.value);
      else if (e.name === 'throughput_per_minute') push(throughput, 'throughput', e.value);
    }
  });
  return n;
}

const ratio = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

function previousWindow(h: HistoryAggregates): PreviousWindow {
  return {
    sampled_events: h.records,
    failed_runs: h.failed,
    failure_rate: ratio(h.failed, h.records),
    retry_frequency: ratio(h.retries, h.records),
    avg_duration_seconds: h.duration.mean(),
    duration_samples: h.duration.n,
  };
}

const byCountThenName = (a: [string, number], b: [string, number]): number =>
  b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

function topPatterns(agg: LiveAggregates, namer: ErrorPatternNamer | undefined): DominantErrorPattern[] {
  if (namer === undefined) {
    return [...agg.patterns]
      .sort(byCountThenName)
      .slice(0, TOP_PATTERNS)
      .map(([pattern, count]) => ({ pattern, count, share: count / agg.patternTotal }));
  }
  // Keys of one template (its shapes, or templates merged since) count together.
  const byTemplate = new Map<string, { info: ErrorPatternInfo | undefined; key: string; count: number }>();
  for (const [key, count] of agg.patterns) {
    const info = namer.describe(key);
    const group = info === undefined ? `key:${key}` : info.template_id;
    const seen = byTemplate.get(group);
    if (seen === undefined) byTemplate.set(group, { info, key, count });
    else seen.count += count;
  }
  const groups = [...byTemplate.values()].map((g) => ({ ...g, pattern: g.info?.pattern ?? g.key }));
  groups.sort((a, b) => byCountThenName([a.pattern, a.count], [b.pattern, b.count]));
  return groups.slice(0, TOP_PATTERNS).map(({ pattern, count, info }) => ({
    pattern,
    count,
    share: count / agg.patternTotal,
    signature: info?.signature ?? 'unknown',
    template_id: info?.template_id ?? null,
  }));
}

function stageFailureCounts(agg: LiveAggregates): Record<string, number> {
  const rows = [...agg.stages].map(([name, c]): [string, number] => [name, c.failures]);
  rows.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return Object.fromEntries(rows);
}

function metricsOf(window: PipelineWindow, series: Series, scratch: SnapshotScratch): SnapshotMetrics {
  const agg = window.liveAgg;
  const previous = previousWindow(window.historyAgg);
  const avgDuration = agg.duration.mean();
  const sortedN = sortedCopy(scratch.durations, 0, series.durations, scratch.signal.a);
  return {
    avg_duration_seconds: avgDuration,
    failure_rate: ratio(agg.failed, agg.records),
    retry_frequency: ratio(agg.retries, agg.records),
    avg_cpu_percent: agg.cpu.mean(),
    avg_memory_percent: agg.memory.mean(),
    avg_throughput_per_minute: agg.throughput.mean(),
    avg_latency_ms: agg.latency.mean(),
    failed_runs: agg.failed,
    retries: agg.retries,
    p95_duration_seconds: sortedN === 0 ? 0 : quantileSorted(scratch.signal.a, 0.95, sortedN),
    avg_data_volume_mb: agg.dataVolume.mean(),
    windowed_events: agg.events,
    samples: {
      duration: agg.duration.n,
      cpu_percent: agg.cpu.n,
      memory_percent: agg.memory.n,
      throughput_per_minute: agg.throughput.n,
      latency_ms: agg.latency.n,
      data_volume_mb: agg.dataVolume.n,
    },
    duration_trend: {
      slope_seconds_per_hour: agg.durationSlopePerHour(),
      change_percent:
        agg.duration.n > 0 && previous.avg_duration_seconds > 0
          ? ((avgDuration - previous.avg_duration_seconds) / previous.avg_duration_seconds) * 100
          : null,
    },
    previous_window: previous,
    stage_failure_counts: stageFailureCounts(agg),
  };
}

/** Computes a pipeline's snapshot from its window at clock time `now` (the window must be evicted up to now). */
export function buildSnapshot(
  window: PipelineWindow,
  windowMs: number,
  now: number,
  scratch: SnapshotScratch,
  namer?: ErrorPatternNamer,
): PipelineSnapshot {
  const series = collectSeries(window, scratch);
  const metrics = metricsOf(window, series, scratch);
  const latency = latencySignal(scratch.latency, series.latency, scratch.signal);
  const throughput = throughputSignal(scratch.throughput, series.throughput, scratch.signal);
  const signals: SnapshotSignals = {
    latency_spike_detected: latency.detected_by.length > 0,
    throughput_drop_detected: throughput.detected_by.length > 0,
    dominant_error_patterns: topPatterns(window.liveAgg, namer),
    latency,
    throughput,
  };
  const windowMinutes = windowMs / 60_000;
  const sampledEvents = window.liveAgg.records;
  return {
    pipeline_id: window.pipelineId,
    window_minutes: windowMinutes,
    sampled_events: sampledEvents,
    metrics,
    signals,
    health: assessHealth({ windowMinutes, sampledEvents, metrics, signals }),
    generated_at: new Date(now).toISOString(),
  };
}
