import type { TelemetryEvent } from '../domain/index.js';
import { GONE, type EntryTable } from './table.js';

// Slack allowed before a queue is compacted; keeps compaction amortised O(1) per removal.
const MIN_COMPACT = 32;
// Shared by every empty queue (never written: a queue grows before its first store).
const NO_IDS = new Int32Array(0);

/**
 * Entry ids ordered by event time (late arrivals are inserted in place, usually near the end). An id
 * whose state was replaced stays as a tombstone (region GONE) until it reaches the front or a
 * compaction, and is released to the table only then.
 */
export class IdQueue {
  private ids = NO_IDS;
  private head = 0;
  private tail = 0;
  private tombstones = 0;

  constructor(private readonly table: EntryTable) {}

  /** Entries held, tombstones excluded. */
  get size(): number {
    return this.tail - this.head - this.tombstones;
  }

  /** Adds `id` after every entry with an event time ≤ its own. */
  insert(id: number): void {
    if (this.tail === this.ids.length) this.makeRoom();
    const { ids, tail } = this;
    const times = this.table.times;
    const t = times[id];
    if (tail === this.head || times[ids[tail - 1]] <= t) {
      ids[this.tail++] = id;
      return;
    }
    let lo = this.head;
    let hi = tail - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[ids[mid]] <= t) lo = mid + 1;
      else hi = mid;
    }
    ids.copyWithin(lo + 1, lo, tail);
    ids[lo] = id;
    this.tail++;
  }

  /** The oldest id held, releasing tombstones in front; −1 when empty. */
  peek(): number {
    const regions = this.table.regions;
    while (this.head < this.tail) {
      const id = this.ids[this.head];
      if (regions[id] !== GONE) return id;
      this.head++;
      this.tombstones--;
      this.table.release(id);
    }
    this.head = this.tail = 0;
    // An idle pipeline gives its buffer back.
    if (this.ids.length > 64) this.ids = NO_IDS;
    return -1;
  }

  /** Removes the id `peek()` returned (the caller takes over releasing it). */
  shift(): void {
    if (++this.head === this.tail) this.head = this.tail = 0;
  }

  /** Records that an id still in the queue was marked GONE. */
  markTombstone(): void {
    this.tombstones++;
  }

  /** Calls `fn` with each event held, oldest first. */
  forEach(fn: (event: TelemetryEvent) => void): void {
    const { ids, tail } = this;
    const { regions, events } = this.table;
    for (let i = this.head; i < tail; i++) {
      const id = ids[i];
      if (regions[id] !== GONE) fn(events[id] as TelemetryEvent);
    }
  }

  /** Releases tombstones and closes the gap at the front once they make up half the queue. */
  compactIfSparse(): void {
    const waste = this.head + this.tombstones;
    if (waste >= MIN_COMPACT && 2 * waste >= this.tail) this.compact();
  }

  private compact(): void {
    const { ids, tail } = this;
    const regions = this.table.regions;
    let w = 0;
    for (let r = this.head; r < tail; r++) {
      const id = ids[r];
      if (regions[id] !== GONE) ids[w++] = id;
      else this.table.release(id);
    }
    this.head = 0;
    this.tail = w;
    this.tombstones = 0;
  }

  private makeRoom(): void {
    if (2 * (this.head + this.tombstones) >= this.tail && this.tail >= MIN_COMPACT) {
      this.compact();
      return;
    }
    const ids = new Int32Array(Math.max(16, 2 * this.ids.length));
    ids.set(this.ids.subarray(0, this.tail));
    this.ids = ids;
  }
}
