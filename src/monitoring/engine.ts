import type { IdentityDecision, TelemetryEvent } from '../domain/index.js';
import { AppError, type Clock } from '../shared/index.js';
import { PatternCache } from './patterns.js';
import { buildSnapshot, SnapshotScratch } from './snapshot.js';
import type {
  ErrorPatternNamer,
  MonitoringOptions,
  MonitoringStats,
  PipelineHealthSummary,
  PipelineSnapshot,
} from './types.js';
import { PipelineWindow, type WindowLimits } from './window.js';

function checkOptions(opts: MonitoringOptions): void {
  if (!(Number.isFinite(opts.windowMs) && opts.windowMs > 0))
    throw new AppError('CONFIG_INVALID', `windowMs must be a positive number, got ${opts.windowMs}`);
  if (!(Number.isInteger(opts.maxEventsPerPipeline) && opts.maxEventsPerPipeline >= 1))
    throw new AppError(
      'CONFIG_INVALID',
      `maxEventsPerPipeline must be a positive integer, got ${opts.maxEventsPerPipeline}`,
    );
}

const byWorstHealth = (a: PipelineSnapshot, b: PipelineSnapshot): number =>
  a.health.score - b.health.score ||
  b.metrics.failure_rate - a.metrics.failure_rate ||
  b.sampled_events - a.sampled_events ||
  (a.pipeline_id < b.pipeline_id ? -1 : a.pipeline_id > b.pipeline_id ? 1 : 0);

/**
 * Per-pipeline sliding windows over event time ending at the clock, updated incrementally: each event
 * costs O(1) amortised (plus O(log n) for a late one), and a snapshot computes quantiles once and is
 * cached until the window changes. Pure: time comes from the injected Clock.
 */
export class MonitoringEngine {
  private readonly windows = new Map<string, PipelineWindow>();
  // Round-robin cursor over all windows so idle pipelines also shed expired events.
  private readonly sweepOrder: PipelineWindow[] = [];
  private sweepAt = 0;
  private readonly clock: Clock;
  private readonly windowMs: number;
  private readonly limits: WindowLimits;
  private readonly scratch = new SnapshotScratch();
  private readonly namer: ErrorPatternNamer | undefined;

  constructor(opts: MonitoringOptions) {
    checkOptions(opts);
    this.clock = opts.clock;
    this.windowMs = opts.windowMs;
    this.namer = opts.errorPatterns;
    const namer = opts.errorPatterns;
    const patterns =
      namer === undefined ? new PatternCache() : new PatternCache(undefined, (m) => namer.keyOf(m));
    this.limits = {
      windowMs: opts.windowMs,
      maxEvents: opts.maxEventsPerPipeline,
      patternsOf: (event) => patterns.patternsOf(event),
    };
  }

  /** Applies one event; identity per src/domain/identity.ts: 'new' | 'replace' | 'unchanged'. */
  apply(event: TelemetryEvent): IdentityDecision {
    const now = this.clock.now();
    let window = this.windows.get(event.pipeline_id);
    if (window === undefined) {
      window = new PipelineWindow(event.pipeline_id, this.limits);
      this.windows.set(event.pipeline_id, window);
      this.sweepOrder.push(window);
    } else if (now >= window.nextEvictionAt) {
      window.evict(now);
    }
    this.sweepOne(now);
    return window.apply(event, now);
  }

  /** undefined when the pipeline was never seen; a zero snapshot when known but nothing in window. */
  snapshot(pipelineId: string): PipelineSnapshot | undefined {
    const window = this.windows.get(pipelineId);
    return window === undefined ? undefined : this.snapshotOf(window, this.clock.now());
  }

  /** Worst health first. */
  list(opts: { limit: number; offset: number }): { items: PipelineHealthSummary[]; total: number } {
    const now = this.clock.now();
    const snapshots = this.sweepOrder.map((w) => this.snapshotOf(w, now));
    snapshots.sort(byWorstHealth);
    const offset = Math.max(0, Math.floor(opts.offset));
    const limit = Math.max(0, Math.floor(opts.limit));
    const items = snapshots.slice(offset, offset + limit).map((s): PipelineHealthSummary => ({
      pipeline_id: s.pipeline_id,
      health_score: s.health.score,
      sampled_events: s.sampled_events,
      failure_rate: s.metrics.failure_rate,
      reasons: s.health.reasons,
    }));
    return { items, total: snapshots.length };
  }

  /** The snapshot's sampled_events without building a snapshot (cheap: the ingest answer needs it per request). */
  sampledEvents(pipelineId: string): number | undefined {
    const window = this.windows.get(pipelineId);
    if (window === undefined) return undefined;
    const now = this.clock.now();
    if (now >= window.nextEvictionAt) window.evict(now);
    return window.liveAgg.records;
  }

  /** Whether the pipeline was ever seen. */
  has(pipelineId: string): boolean {
    return this.windows.has(pipelineId);
  }

  /** Engine size after evicting everything due (O(pipelines)). */
  stats(): MonitoringStats {
    const now = this.clock.now();
    let windowedEvents = 0;
    let historyEvents = 0;
    for (const w of this.sweepOrder) {
      if (now >= w.nextEvictionAt) w.evict(now);
      windowedEvents += w.live.size;
      historyEvents += w.history.size;
    }
    return { pipelines: this.sweepOrder.length, windowedEvents, historyEvents };
  }

  private snapshotOf(window: PipelineWindow, now: number): PipelineSnapshot {
    if (now >= window.nextEvictionAt) window.evict(now);
    // Only a window with error patterns is named by the namer; the others stay cached.
    const epoch = window.liveAgg.patternTotal > 0 ? (this.namer?.epoch() ?? 0) : window.cachedNamerEpoch;
    if (
      window.cached === undefined ||
      window.cachedVersion !== window.version ||
      window.cachedNamerEpoch !== epoch
    ) {
      window.cached = buildSnapshot(window, this.windowMs, now, this.scratch, this.namer);
      window.cachedVersion = window.version;
      window.cachedNamerEpoch = epoch;
      return window.cached;
    }
    const generatedAt = new Date(now).toISOString();
    return window.cached.generated_at === generatedAt
      ? window.cached
      : { ...window.cached, generated_at: generatedAt };
  }

  private sweepOne(now: number): void {
    const order = this.sweepOrder;
    if (this.sweepAt >= order.length) this.sweepAt = 0;
    const w = order[this.sweepAt++];
    if (now >= w.nextEvictionAt) w.evict(now);
  }
}
