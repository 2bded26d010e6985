import type { TelemetryEvent } from '../../domain/index.js';

/** Events durable in the journal but not yet in the database, oldest first. */
export interface PendingBatch {
  /** JSON texts of the events (serializeEvent), in sequence order. */
  lines: string[];
  /** The same events as objects (lines[i] is events[i]'s text), for the database's columns. */
  events: TelemetryEvent[];
  lastSeq: number;
}

interface Group {
  firstSeq: number;
  lines: readonly string[];
  events: readonly TelemetryEvent[];
  /** Clock time the group became durable. */
  durableAt: number;
}

/** FIFO of journaled groups the flusher copies to the database; batches may split a group. */
export class PendingQueue {
  private readonly groups: Group[] = [];
  private head = 0;
  /** Events of groups[0] already flushed. */
  private headOffset = 0;
  private size = 0;

  /** Events waiting. */
  get count(): number {
    return this.size;
  }

  /** Sequence number of the newest event queued (or flushed), 0 if none ever was. */
  lastSeq = 0;

  /** Queues a durable group; `events[i]` is the event `lines[i]` encodes (neither is copied). */
  push(
    firstSeq: number,
    lines: readonly string[],
    events: readonly TelemetryEvent[],
    durableAt: number,
  ): void {
    if (lines.length === 0) return;
    this.groups.push({ firstSeq, lines, events, durableAt });
    this.size += lines.length;
    this.lastSeq = firstSeq + lines.length - 1;
  }

  /** When the oldest waiting event became durable, or null when nothing waits. */
  oldestDurableAt(): number | null {
    return this.size === 0 ? null : this.groups[this.head].durableAt;
  }

  /**
   * The oldest `max` waiting events after sequence number `afterSeq` (all waiting ones by default),
   * without removing them (a failed insert is retried; batches already sent are skipped).
   */
  peek(max: number, afterSeq = -Infinity): PendingBatch {
    const lines: string[] = [];
    const events: TelemetryEvent[] = [];
    let lastSeq = 0;
    for (let i = this.head; i < this.groups.length && lines.length < max; i++) {
      const group = this.groups[i];
      const from = Math.max(i === this.head ? this.headOffset : 0, afterSeq - group.firstSeq + 1);
      if (from >= group.lines.length) continue;
      const to = Math.min(group.lines.length, from + max - lines.length);
      for (let j = from; j < to; j++) {
        lines.push(group.lines[j]);
        events.push(group.events[j]);
      }
      lastSeq = group.firstSeq + to - 1;
    }
    return { lines, events, lastSeq };
  }

  /** Drops every event up to and including `seq` (they are in the database now). */
  drop(seq: number): void {
    while (this.head < this.groups.length) {
      const group = this.groups[this.head];
      const groupLast = group.firstSeq + group.lines.length - 1;
      if (groupLast <= seq) {
        this.size -= group.lines.length - this.headOffset;
        this.head++;
        this.headOffset = 0;
        continue;
      }
      const newOffset = Math.max(this.headOffset, seq - group.firstSeq + 1);
      this.size -= newOffset - this.headOffset;
      this.headOffset = newOffset;
      break;
    }
    // Compact now and then instead of shifting on every drop.
    if (this.head === this.groups.length || (this.head > 1024 && this.head * 2 > this.groups.length)) {
      this.groups.splice(0, this.head);
      this.head = 0;
    }
  }
}
