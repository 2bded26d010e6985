import type { TelemetryEvent } from '../domain/index.js';

/** Where an entry's contribution sits: the live window, the previous-window history, or nowhere. */
export type Region = 0 | 1 | 2;
export const LIVE: Region = 0;
export const HISTORY: Region = 1;
export const GONE: Region = 2;

/** One event a window holds, with the error patterns it added (so removal subtracts exactly those). */
export class Entry {
  constructor(
    readonly event: TelemetryEvent,
    /** Event time, ms. */
    readonly t: number,
    readonly patterns: readonly string[] | null,
    public region: Region,
  ) {}
}

// Fills vacated slots so the array keeps one element kind and evicted events can be collected.
const VACANT = new Entry(
  {
    kind: 'metric',
    key: '',
    pipeline_id: '',
    event_time: 0,
    received_at: 0,
    execution_id: null,
    stage_id: null,
    name: '',
    value: 0,
  },
  0,
  null,
  GONE,
);

/** Slack allowed before the array is compacted; keeps compaction amortised O(1) per removal. */
const MIN_COMPACT = 32;

/**
 * Entries ordered by event time (late arrivals are inserted in place, usually near the end). Entries
 * removed from the middle (replaced states) become tombstones: skipped, then compacted away.
 */
export class EntryQueue {
  private items: Entry[] = [];
  private head = 0;
  private tombstones = 0;

  /** Entries held, tombstones excluded. */
  get size(): number {
    return this.items.length - this.head - this.tombstones;
  }

  /** Adds `e` after every entry with an event time ≤ e.t. */
  insert(e: Entry): void {
    const items = this.items;
    const n = items.length;
    if (n === this.head || items[n - 1].t <= e.t) {
      items.push(e);
      return;
    }
    let lo = this.head;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (items[mid].t <= e.t) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, e);
  }

  /** The oldest entry held (tombstones in front are discarded); undefined when empty. */
  peek(): Entry | undefined {
    const items = this.items;
    while (this.head < items.length) {
      const e = items[this.head];
      if (e.region !== GONE) return e;
      items[this.head++] = VACANT;
      this.tombstones--;
    }
    return undefined;
  }

  /** Removes the entry `peek()` returned. */
  shift(): void {
    this.items[this.head++] = VACANT;
    if (this.head === this.items.length) this.clear();
  }

  /** Records that an entry still in the queue was marked GONE. */
  markTombstone(): void {
    this.tombstones++;
  }

  /** Calls `fn` for each entry held, oldest first. */
  forEach(fn: (e: Entry) => void): void {
    const items = this.items;
    for (let i = this.head; i < items.length; i++) {
      const e = items[i];
      if (e.region !== GONE) fn(e);
    }
  }

  /** Drops vacated slots and tombstones once they make up half the array; returns whether it did. */
  compactIfSparse(): boolean {
    const waste = this.head + this.tombstones;
    if (waste < MIN_COMPACT || waste * 2 < this.items.length) return false;
    const items = this.items;
    let w = 0;
    for (let r = this.head; r < items.length; r++) {
      const e = items[r];
      if (e.region !== GONE) items[w++] = e;
    }
    items.length = w;
    this.head = 0;
    this.tombstones = 0;
    return true;
  }

  private clear(): void {
    this.items.length = 0;
    this.head = 0;
    this.tombstones = 0;
  }
}
