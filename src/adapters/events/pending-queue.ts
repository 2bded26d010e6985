import { copyRows, joinCopyRows } from './copy-binary.js';

/** Events durable in the journal but not yet in the database, oldest first, as one COPY input. */
export interface PendingBatch {
  /** encodeEventsCopy's output for these events, in sequence order, in its own ArrayBuffer. */
  copy: Uint8Array;
  rows: number;
  lastSeq: number;
}

interface Group {
  firstSeq: number;
  rows: number;
  /**
   * The group's events as a COPY input (encodeEventsCopy), encoded once when it became durable: the
   * queue holds bytes, not the events' objects and texts, which then die young.
   */
  copy: Uint8Array;
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

  /** Queues a durable group of `rows` events whose COPY input is `copy` (not copied; never modified). */
  push(firstSeq: number, rows: number, copy: Uint8Array, durableAt: number): void {
    if (rows === 0) return;
    this.groups.push({ firstSeq, rows, copy, durableAt });
    this.size += rows;
    this.lastSeq = firstSeq + rows - 1;
  }

  /** When the oldest waiting event became durable, or null when nothing waits. */
  oldestDurableAt(): number | null {
    return this.size === 0 ? null : this.groups[this.head].durableAt;
  }

  /**
   * The oldest `max` waiting events after sequence number `afterSeq` (all waiting ones by default),
   * without removing them (a failed insert is retried; batches already sent are skipped). The batch
   * is a new buffer, so it can be moved to another thread while the queue keeps its groups.
   */
  peek(max: number, afterSeq = -Infinity): PendingBatch {
    const parts: Uint8Array[] = [];
    let rows = 0;
    let lastSeq = 0;
    for (let i = this.head; i < this.groups.length && rows < max; i++) {
      const group = this.groups[i];
      const from = Math.max(i === this.head ? this.headOffset : 0, afterSeq - group.firstSeq + 1);
      if (from >= group.rows) continue;
      const to = Math.min(group.rows, from + max - rows);
      parts.push(copyRows(group.copy, from, to));
      rows += to - from;
      lastSeq = group.firstSeq + to - 1;
    }
    return { copy: joinCopyRows(parts), rows, lastSeq };
  }

  /** Drops every event up to and including `seq` (they are in the database now). */
  drop(seq: number): void {
    while (this.head < this.groups.length) {
      const group = this.groups[this.head];
      const groupLast = group.firstSeq + group.rows - 1;
      if (groupLast <= seq) {
        this.size -= group.rows - this.headOffset;
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
