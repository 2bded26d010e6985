import { decideIdentity, type IdentityDecision, type TelemetryEvent } from '../domain/index.js';
import { HistoryAggregates, LiveAggregates } from './aggregates.js';
import { Entry, EntryQueue, GONE, HISTORY, LIVE } from './queue.js';
import type { PipelineSnapshot } from './types.js';

/** The bounds every pipeline window shares. */
export interface WindowLimits {
  readonly windowMs: number;
  readonly maxEvents: number;
  /** The error patterns an event contributes (memoised by the engine). */
  readonly patternsOf: (event: TelemetryEvent) => readonly string[] | null;
}

// Sums are recomputed after this many removals per held entry, which bounds rounding drift cheaply.
const REBUILD_EVERY = 8;

/**
 * One pipeline's state: the live window [now − w, now) of every event kind, the previous window's
 * execution records, and a key index over both for identity (a later state replaces, a repeat is ignored).
 */
export class PipelineWindow {
  readonly live = new EntryQueue();
  readonly history = new EntryQueue();
  readonly liveAgg = new LiveAggregates();
  readonly historyAgg = new HistoryAggregates();
  private readonly index = new Map<string, Entry>();
  private removalsSinceRebuild = 0;
  /** Bumped whenever what the window holds changes; a cached snapshot is valid for one version. */
  version = 0;
  /** Clock time at or after which something must move out of the live window or the history. */
  nextEvictionAt = Infinity;
  cached: PipelineSnapshot | undefined;
  cachedVersion = -1;

  constructor(
    readonly pipelineId: string,
    private readonly limits: WindowLimits,
  ) {}

  /** Applies one event at clock time `now` (evict first, see `evict`). */
  apply(event: TelemetryEvent, now: number): IdentityDecision {
    const existing = this.index.get(event.key);
    const decision = decideIdentity(existing?.event, event);
    if (decision === 'unchanged') return decision;
    if (existing !== undefined) this.kill(existing);
    this.place(event, now);
    this.version++;
    return decision;
  }

  /** Moves what has aged out: live → history at now − w, history → gone at now − 2w. */
  evict(now: number): void {
    const liveCut = now - this.limits.windowMs;
    const historyCut = liveCut - this.limits.windowMs;
    let moved = false;
    for (let e = this.live.peek(); e !== undefined && e.t < liveCut; e = this.live.peek()) {
      this.live.shift();
      this.retire(e, historyCut);
      moved = true;
    }
    for (let e = this.history.peek(); e !== undefined && e.t < historyCut; e = this.history.peek()) {
      this.history.shift();
      this.drop(e);
      moved = true;
    }
    if (moved) this.version++;
    this.afterRemovals();
  }

  private place(event: TelemetryEvent, now: number): void {
    const { windowMs, maxEvents } = this.limits;
    const liveCut = now - windowMs;
    const historyCut = liveCut - windowMs;
    const t = event.event_time;
    if (t >= liveCut) {
      const e = new Entry(event, t, this.limits.patternsOf(event), LIVE);
      this.live.insert(e);
      this.index.set(event.key, e);
      this.liveAgg.add(e, 1);
      if (t + windowMs < this.nextEvictionAt) this.nextEvictionAt = t + windowMs;
      if (this.live.size > maxEvents) {
        while (this.live.size > maxEvents) {
          const oldest = this.live.peek() as Entry;
          this.live.shift();
          this.retire(oldest, historyCut);
        }
        this.afterRemovals();
      }
    } else if (event.kind === 'execution' && t >= historyCut) {
      // A late record of the previous window still counts for the comparison with it.
      const e = new Entry(event, t, null, HISTORY);
      this.history.insert(e);
      this.index.set(event.key, e);
      this.historyAgg.add(e, 1);
      if (t + 2 * windowMs < this.nextEvictionAt) this.nextEvictionAt = t + 2 * windowMs;
      this.capHistory();
    }
    // Anything older is history the store keeps; the engine only remembers the pipeline exists.
  }

  /** Takes a live entry out of the window: execution records move to history, the rest are dropped. */
  private retire(e: Entry, historyCut: number): void {
    this.liveAgg.add(e, -1);
    this.removalsSinceRebuild++;
    if (e.event.kind === 'execution' && e.t >= historyCut) {
      e.region = HISTORY;
      this.history.insert(e);
      this.historyAgg.add(e, 1);
      this.capHistory();
    } else {
      this.drop(e);
    }
  }

  private capHistory(): void {
    while (this.history.size > this.limits.maxEvents) {
      const oldest = this.history.peek() as Entry;
      this.history.shift();
      this.drop(oldest);
    }
  }

  /** Forgets an entry that has left both queues. */
  private drop(e: Entry): void {
    if (e.region === HISTORY) this.historyAgg.add(e, -1);
    e.region = GONE;
    this.index.delete(e.event.key);
  }

  /** Removes a replaced state wherever it sits; it stays in its queue as a tombstone. */
  private kill(e: Entry): void {
    if (e.region === LIVE) {
      this.liveAgg.add(e, -1);
      this.live.markTombstone();
      this.removalsSinceRebuild++;
    } else if (e.region === HISTORY) {
      this.historyAgg.add(e, -1);
      this.history.markTombstone();
    }
    e.region = GONE;
    this.index.delete(e.event.key);
    this.afterRemovals();
  }

  private afterRemovals(): void {
    this.live.compactIfSparse();
    this.history.compactIfSparse();
    if (this.removalsSinceRebuild > REBUILD_EVERY * this.live.size + 64) {
      this.liveAgg.rebuild((fn) => this.live.forEach(fn));
      this.removalsSinceRebuild = 0;
    }
    const liveFront = this.live.peek();
    const historyFront = this.history.peek();
    this.nextEvictionAt = Math.min(
      liveFront === undefined ? Infinity : liveFront.t + this.limits.windowMs,
      historyFront === undefined ? Infinity : historyFront.t + 2 * this.limits.windowMs,
    );
  }
}
