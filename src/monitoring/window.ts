import { decideIdentity, type IdentityDecision, type TelemetryEvent } from '../domain/index.js';
import { HistoryAggregates, LiveAggregates } from './aggregates.js';
import { IdQueue } from './queue.js';
import { EntryTable, GONE, HISTORY, keyHash, LIVE } from './table.js';
import type { PipelineSnapshot } from './types.js';

/** The bounds every pipeline window shares. */
export interface WindowLimits {
  readonly windowMs: number;
  readonly maxEvents: number;
  /** The error patterns an event contributes (memoised and deterministic, so removal can ask again). */
  readonly patternsOf: (event: TelemetryEvent) => readonly string[] | null;
}

// Sums are recomputed after this many removals per held event, which bounds rounding drift cheaply.
const REBUILD_EVERY = 8;

/**
 * One pipeline's state: the live window [now − w, now] of every event kind, the previous window's
 * execution records, and a key index over both for identity (a later state replaces, a repeat is ignored).
 */
export class PipelineWindow {
  private readonly table = new EntryTable();
  readonly live = new IdQueue(this.table);
  readonly history = new IdQueue(this.table);
  readonly liveAgg = new LiveAggregates();
  readonly historyAgg = new HistoryAggregates();
  private removalsSinceRebuild = 0;
  /** Bumped whenever what the window holds changes; a cached snapshot is valid for one version. */
  version = 0;
  /** Clock time at or after which something must move out of the live window or the history. */
  nextEvictionAt = Infinity;
  cached: PipelineSnapshot | undefined;
  cachedVersion = -1;
  /** The pattern namer's epoch the cached snapshot was named in (its templates may have merged since). */
  cachedNamerEpoch = 0;

  constructor(
    readonly pipelineId: string,
    private readonly limits: WindowLimits,
  ) {}

  /** Applies one event at clock time `now` (evict first, see `evict`). */
  apply(event: TelemetryEvent, now: number): IdentityDecision {
    const hash = keyHash(event.key);
    const existing = this.table.find(event.key, hash);
    const decision = decideIdentity(existing < 0 ? undefined : this.table.events[existing], event);
    if (decision === 'unchanged') return decision;
    if (existing >= 0) this.kill(existing);
    this.place(event, hash, now);
    this.version++;
    return decision;
  }

  /** Moves what has aged out: live → history at now − w, history → gone at now − 2w. */
  evict(now: number): void {
    const liveCut = now - this.limits.windowMs;
    const historyCut = liveCut - this.limits.windowMs;
    let moved = false;
    // table.times is read afresh each turn: the table swaps its arrays when it empties.
    for (let id = this.live.peek(); id >= 0 && this.table.times[id] < liveCut; id = this.live.peek()) {
      this.live.shift();
      this.retire(id, historyCut);
      moved = true;
    }
    for (
      let id = this.history.peek();
      id >= 0 && this.table.times[id] < historyCut;
      id = this.history.peek()
    ) {
      this.history.shift();
      this.drop(id);
      moved = true;
    }
    if (moved) this.version++;
    this.afterRemovals();
  }

  private place(event: TelemetryEvent, hash: number, now: number): void {
    const { windowMs, maxEvents } = this.limits;
    const liveCut = now - windowMs;
    const historyCut = liveCut - windowMs;
    const t = event.event_time;
    if (t >= liveCut) {
      this.live.insert(this.table.allocate(event, hash, LIVE));
      this.liveAgg.add(event, this.limits.patternsOf(event), 1);
      if (t + windowMs < this.nextEvictionAt) this.nextEvictionAt = t + windowMs;
      if (this.live.size > maxEvents) {
        while (this.live.size > maxEvents) {
          const oldest = this.live.peek();
          this.live.shift();
          this.retire(oldest, historyCut);
        }
        this.afterRemovals();
      }
    } else if (event.kind === 'execution' && t >= historyCut) {
      // A late record of the previous window still counts for the comparison with it.
      this.history.insert(this.table.allocate(event, hash, HISTORY));
      this.historyAgg.add(event, 1);
      if (t + 2 * windowMs < this.nextEvictionAt) this.nextEvictionAt = t + 2 * windowMs;
      this.capHistory();
    }
    // Anything older is history the store keeps; the engine only remembers the pipeline exists.
  }

  /** Takes a live entry out of the window: execution records move to history, the rest are dropped. */
  private retire(id: number, historyCut: number): void {
    const event = this.table.events[id] as TelemetryEvent;
    this.liveAgg.add(event, this.limits.patternsOf(event), -1);
    this.removalsSinceRebuild++;
    if (event.kind === 'execution' && event.event_time >= historyCut) {
      this.table.regions[id] = HISTORY;
      this.history.insert(id);
      this.historyAgg.add(event, 1);
      this.capHistory();
    } else {
      this.drop(id);
    }
  }

  private capHistory(): void {
    while (this.history.size > this.limits.maxEvents) {
      const oldest = this.history.peek();
      this.history.shift();
      this.drop(oldest);
    }
  }

  /** Forgets an entry that has left both queues. */
  private drop(id: number): void {
    if (this.table.regions[id] === HISTORY) this.historyAgg.add(this.table.events[id] as TelemetryEvent, -1);
    this.table.unindex(id);
    this.table.release(id);
  }

  /** Removes a replaced state wherever it sits; it stays in its queue as a tombstone. */
  private kill(id: number): void {
    const event = this.table.events[id] as TelemetryEvent;
    if (this.table.regions[id] === LIVE) {
      this.liveAgg.add(event, this.limits.patternsOf(event), -1);
      this.live.markTombstone();
      this.removalsSinceRebuild++;
    } else {
      this.historyAgg.add(event, -1);
      this.history.markTombstone();
    }
    this.table.regions[id] = GONE;
    this.table.unindex(id);
    this.afterRemovals();
  }

  private afterRemovals(): void {
    this.live.compactIfSparse();
    this.history.compactIfSparse();
    if (this.removalsSinceRebuild > REBUILD_EVERY * this.live.size + 64) {
      this.liveAgg.rebuild((fn) => this.live.forEach(fn), this.limits.patternsOf);
      this.removalsSinceRebuild = 0;
    }
    const liveFront = this.live.peek();
    const historyFront = this.history.peek();
    const times = this.table.times;
    this.nextEvictionAt = Math.min(
      liveFront < 0 ? Infinity : times[liveFront] + this.limits.windowMs,
      historyFront < 0 ? Infinity : times[historyFront] + 2 * this.limits.windowMs,
    );
  }
}
