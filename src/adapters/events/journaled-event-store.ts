import { mkdir } from 'node:fs/promises';
import type { TelemetryEvent } from '../../domain/index.js';
import type { EventStore, StoreHealth } from '../../ports/index.js';
import { StoreUnavailableError, toError, type Clock } from '../../shared/index.js';
import { readOrCreateJournalId } from '../journal/journal-id.js';
import { recoverJournal, type RecoveredJournal } from '../journal/recover.js';
import { deleteFlushedSegments } from '../journal/segments.js';
import { JournalWriter, type WrittenGroup } from '../journal/writer.js';
import { Flusher } from './flusher.js';
import { GroupCommitter } from './group-commit.js';
import { safeNotify, type StoreNotice } from './notices.js';
import { PendingQueue, type PendingBatch } from './pending-queue.js';
import { serializeEvent } from './serialize.js';
import { toCopyBatch, type EventsSqlClient } from './sql/insert-batch.js';
import { pruneEvents } from './sql/prune-events.js';
import { readCheckpoint } from './sql/read-checkpoint.js';
import { maxEventId, scanLatestPage } from './sql/scan-latest.js';

export interface JournaledEventStoreOptions {
  /** The database; flushes bulk-load with COPY. */
  sql: EventsSqlClient;
  /** Folder of the journal segments, created if missing. One process at a time: the caller locks it. */
  journalDir: string;
  /** Longest wait to gather appends into one durable write; 0 = the current tick. @default 2 */
  groupCommitMs?: number;
  /** Acknowledged events not yet in the database past which append refuses. @default 200000 */
  maxPendingEvents?: number;
  /** Most events per database insert. @default 5000 */
  flushBatchEvents?: number;
  /**
   * Most flush batches sent to the database and not yet answered. Above 1 the database must run
   * one client's insertEvents calls in the order sent (PGlite's worker, the server's flush worker
   * with its one connection); otherwise later batches are refused and retried. @default 1
   */
  flushesInFlight?: number;
  /** Wait this long for a full batch before inserting a partial one. @default 50 */
  flushIntervalMs?: number;
  /** First retry delay after a failed insert, doubling up to retryMaxMs. @default 100 */
  retryBaseMs?: number;
  /** @default 2000 */
  retryMaxMs?: number;
  /** How long close() keeps trying to flush before leaving the rest to the next start's recovery. @default 10000 */
  closeTimeoutMs?: number;
  /** Journal segment size before rotation. @default 64 MiB */
  segmentBytes?: number;
  clock?: Clock;
  onNotice?: (notice: StoreNotice) => void;
  /** Runs at the end of close(), after the journal is closed: closes the database. */
  onClose?: () => Promise<void>;
}

/** Counters for metrics. */
export interface EventStoreStats {
  appendedEvents: number;
  journalGroups: number;
  journalBytes: number;
  flushedEvents: number;
  flushBatches: number;
  /** Sequence number of the newest event in the database. */
  flushedSeq: number;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * EventStore with a group-committed journal ahead of the database: append resolves once its
 * group's synchronous (O_DSYNC) write returned; a background flusher copies the journal into
 * `flexiroaster_ai.events`.
 */
export class JournaledEventStore implements EventStore {
  private readonly queue = new PendingQueue();
  private readonly committer: GroupCommitter<TelemetryEvent>;
  private readonly flusher: Flusher;
  private readonly clock: Clock;
  private readonly maxPending: number;
  private journalError: Error | null = null;
  private closing: Promise<void> | null = null;
  private appended = 0;
  private groups = 0;
  private bytes = 0;

  private constructor(
    private readonly options: JournaledEventStoreOptions,
    /** This journal's id: its row in flexiroaster_ai.journal_checkpoints. */
    readonly journalId: string,
    private readonly writer: JournalWriter,
    flushedSeq: number,
    /** What the journal held on open and this store put into the database before serving. */
    readonly recovered: { events: number; cuts: RecoveredJournal['cuts'] },
  ) {
    this.clock = options.clock ?? systemClock;
    this.maxPending = options.maxPendingEvents ?? 200_000;
    this.queue.lastSeq = flushedSeq;
    this.committer = new GroupCommitter(
      (lines) => this.writeGroup(lines),
      { groupCommitMs: options.groupCommitMs ?? 2 },
      (group, lines, events) => this.durable(group, lines, events),
    );
    this.flusher = new Flusher(
      this.queue,
      {
        batchEvents: batchEventsOf(options),
        intervalMs: options.flushIntervalMs ?? 50,
        retryBaseMs: options.retryBaseMs ?? 100,
        retryMaxMs: options.retryMaxMs ?? 2000,
        inFlight: options.flushesInFlight ?? 1,
      },
      {
        insert: (batch, afterSeq) =>
          options.sql.insertEvents(journalId, toCopyBatch(batch, afterSeq)).then(() => undefined),
        afterInsert: (seq) => this.cleanJournal(seq),
        onFailure: (error, attempt, retryInMs) =>
          this.notify({ type: 'flush:failed', error, attempt, retryInMs }),
        onRecovered: (attempts) => this.notify({ type: 'flush:recovered', attempts }),
      },
      flushedSeq,
    );
    this.flusher.start();
  }

  /**
   * Opens the journal, replays what it holds past the database's checkpoint into the database
   * (so nothing acknowledged before a crash is lost or doubled), then starts serving.
   */
  static async open(options: JournaledEventStoreOptions): Promise<JournaledEventStore> {
    const dir = options.journalDir;
    await mkdir(dir, { recursive: true });
    const journalId = await readOrCreateJournalId(dir);
    const checkpoint = await readCheckpoint(options.sql, journalId);
    const journal = await recoverJournal(dir, checkpoint);
    const flushedSeq = await replay(options, journalId, journal, checkpoint);
    const writer = await JournalWriter.open({
      dir,
      nextSeq: Math.max(journal.lastSeq, checkpoint) + 1,
      segments: await deleteFlushedSegments(journal.segments, flushedSeq),
      segmentBytes: options.segmentBytes,
    });
    const store = new JournaledEventStore(options, journalId, writer, flushedSeq, {
      events: journal.events,
      cuts: journal.cuts,
    });
    if (journal.events > 0 || journal.cuts.length > 0) {
      store.notify({ type: 'journal:recovered', events: journal.events, cuts: journal.cuts });
    }
    return store;
  }

  async append(events: readonly TelemetryEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.admit(events.length);
    const lines = new Array<string>(events.length);
    for (let i = 0; i < events.length; i++) lines[i] = serializeEvent(events[i]);
    // The events ride along to the flusher, which reads their key, kind and times for the columns
    // (appended events are never modified afterwards).
    return this.committer.add(lines, events);
  }

  async *scanSince(
    sinceMs: number,
    pageSize = 5000,
    firstPageSize = pageSize,
  ): AsyncIterable<TelemetryEvent[]> {
    this.refuseIfClosed();
    // Journal-only events are copied in first, so the scan sees everything acknowledged.
    await this.flusher.flushed(true);
    const maxId = await maxEventId(this.options.sql);
    let cursor: { eventTimeMs: number; id: number } | null = { eventTimeMs: sinceMs, id: 0 };
    for (let limit = firstPageSize; cursor !== null; limit = pageSize) {
      const page = await scanLatestPage(this.options.sql, cursor, maxId, limit);
      if (page.events.length > 0) yield page.events;
      cursor = page.next;
    }
  }

  prune(receivedBeforeMs: number): Promise<number> {
    this.refuseIfClosed();
    return pruneEvents(this.options.sql, receivedBeforeMs);
  }

  health(): StoreHealth {
    const pendingEvents = this.queue.count;
    const oldest = this.queue.oldestDurableAt();
    const failure = this.writer.failure ?? this.journalError ?? this.flusher.lastError;
    return {
      ready:
        this.closing === null &&
        failure === null &&
        pendingEvents + this.committer.unsyncedEvents < this.maxPending,
      pendingEvents,
      lagMs: oldest === null ? 0 : Math.max(0, this.clock.now() - oldest),
      lastError: failure?.message ?? null,
    };
  }

  /** Resolves once every event acknowledged so far is in the database; rejects if it is failing. */
  flush(): Promise<void> {
    return this.flusher.flushed(true);
  }

  stats(): EventStoreStats {
    return {
      appendedEvents: this.appended,
      journalGroups: this.groups,
      journalBytes: this.bytes,
      flushedEvents: this.flusher.flushedEvents,
      flushBatches: this.flusher.batches,
      flushedSeq: this.flusher.flushedSeq,
    };
  }

  /**
   * Refuses new appends, makes the gathered ones durable, flushes to the database (for at most
   * closeTimeoutMs; the rest stays in the journal), closes the journal, then the database.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await this.committer.settle();
    const drained = await settlesWithin(this.flusher.flushed(false), this.options.closeTimeoutMs ?? 10_000);
    await this.flusher.stop();
    if (!drained) this.notify({ type: 'close:unflushed', events: this.queue.count });
    await this.cleanJournal(this.flusher.flushedSeq);
    try {
      await this.writer.close();
    } finally {
      await this.options.onClose?.();
    }
  }

  private refuseIfClosed(): void {
    if (this.closing !== null) throw new StoreUnavailableError('event store is closed', 5);
  }

  admit(incoming: number): void {
    this.refuseIfClosed();
    const journalFailure = this.writer.failure;
    if (journalFailure !== null) {
      throw new StoreUnavailableError(`journal unavailable: ${journalFailure.message}`, 30, {
        cause: journalFailure,
      });
    }
    if (this.flusher.failing) {
      throw new StoreUnavailableError(
        `database unavailable: ${this.flusher.lastError?.message ?? 'unknown error'}`,
        this.flusher.retryAfterSeconds(Date.now()),
        { cause: this.flusher.lastError },
      );
    }
    const pending = this.queue.count + this.committer.unsyncedEvents;
    if (pending > 0 && pending + incoming > this.maxPending) {
      throw new StoreUnavailableError(
        `event store is behind: ${pending} events waiting for the database (limit ${this.maxPending})`,
        1,
      );
    }
  }

  private async writeGroup(lines: readonly string[]): Promise<WrittenGroup> {
    try {
      const written = await this.writer.write(lines);
      this.journalError = null;
      return written;
    } catch (err) {
      const error = toError(err);
      this.journalError = error;
      this.notify({ type: 'journal:write-failed', error });
      throw new StoreUnavailableError(`journal write failed: ${error.message}`, 1, { cause: error });
    }
  }

  private durable(group: WrittenGroup, lines: readonly string[], events: readonly TelemetryEvent[]): void {
    this.appended += lines.length;
    this.groups++;
    this.bytes += group.bytes;
    this.queue.push(group.firstSeq, lines, events, this.clock.now());
    this.flusher.wake();
  }

  private async cleanJournal(flushedSeq: number): Promise<void> {
    try {
      await this.writer.deleteFlushed(flushedSeq);
    } catch (err) {
      this.notify({ type: 'journal:cleanup-failed', error: toError(err) });
    }
  }

  private notify(notice: StoreNotice): void {
    safeNotify(this.options.onNotice, notice);
  }
}

function batchEventsOf(options: JournaledEventStoreOptions): number {
  return options.flushBatchEvents ?? 5000;
}

/** Inserts the recovered events in batches; returns the new checkpoint. */
async function replay(
  options: JournaledEventStoreOptions,
  journalId: string,
  journal: RecoveredJournal,
  checkpoint: number,
): Promise<number> {
  const queue = new PendingQueue();
  for (const group of journal.groups) {
    // The journal holds only the texts; they were serializeEvent's output, so they parse back.
    const events = group.lines.map((line) => JSON.parse(line) as TelemetryEvent);
    queue.push(group.firstSeq, group.lines, events, 0);
  }
  let flushed = checkpoint;
  while (queue.count > 0) {
    const batch: PendingBatch = queue.peek(batchEventsOf(options));
    await options.sql.insertEvents(journalId, toCopyBatch(batch, flushed));
    queue.drop(batch.lastSeq);
    flushed = batch.lastSeq;
  }
  return flushed;
}

/** Whether `promise` settles within `ms`; a rejection counts as not settled in time. */
async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
