import { StoreUnavailableError, toError } from '../../shared/index.js';
import type { PendingBatch, PendingQueue } from './pending-queue.js';
import { Signal } from './signal.js';

export interface FlusherOptions {
  /** Most events per database insert. */
  batchEvents: number;
  /** Wait this long for a fuller batch before inserting a partial one. */
  intervalMs: number;
  /** First retry delay after a failed insert; doubles up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /**
   * Most inserts sent and not yet answered. Above 1 the database may start the next batch while
   * the answer to the previous one waits for this thread; hooks.insert must then refuse a batch whose
   * predecessor is not in (CopyBatch.afterSeq). @default 1
   */
  inFlight?: number;
}

export interface FlusherHooks {
  /**
   * Inserts the batch and advances the checkpoint to batch.lastSeq, atomically, if the checkpoint is
   * at least `afterSeq` (the previous batch's last event); otherwise rejects and changes nothing.
   */
  insert(batch: PendingBatch, afterSeq: number): Promise<void>;
  /** Runs after a batch is in (journal segment clean-up); reports its own failures, never throws. */
  afterInsert(flushedSeq: number): Promise<void>;
  /** Reports an insert failure and the delay before the next attempt. */
  onFailure(error: Error, attempt: number, retryInMs: number): void;
  /** Reports the first success after failures. */
  onRecovered(attempts: number): void;
}

interface Waiter {
  seq: number;
  failFast: boolean;
  resolve(): void;
  reject(error: Error): void;
}

/** An insert sent and not yet handled, oldest first. */
interface Sent {
  batch: PendingBatch;
  /** Settles with the insert's error, or null once it is in; never rejects. */
  outcome: Promise<Error | null>;
  done: boolean;
}

/**
 * Copies journaled events into the database in large batches, up to `inFlight` inserts at a time
 * (handled in the order sent), retrying failures with exponential backoff. The queue keeps a failed
 * batch until it goes in; batches sent after it are dropped and sent again after it.
 */
export class Flusher {
  private readonly work = new Signal();
  private readonly pause = new Signal();
  private waiters: Waiter[] = [];
  private stopped = false;
  /** The loop waits for events (as opposed to gathering a batch or inserting). */
  private idle = false;
  private running: Promise<void> | null = null;
  private failures = 0;
  private retryAtMs = 0;
  private sent: Sent[] = [];
  /** Last sequence number sent to the database (flushedSeq when nothing is in flight). */
  private sentSeq: number;
  private sentEvents = 0;
  private readonly maxInFlight: number;

  /** Newest sequence number known to be in the database. */
  flushedSeq: number;
  lastError: Error | null = null;
  flushedEvents = 0;
  batches = 0;

  constructor(
    private readonly queue: PendingQueue,
    private readonly options: FlusherOptions,
    private readonly hooks: FlusherHooks,
    flushedSeq: number,
  ) {
    this.flushedSeq = flushedSeq;
    this.sentSeq = flushedSeq;
    this.maxInFlight = Math.max(1, options.inFlight ?? 1);
  }

  /** Whether the last insert failed (and no later one has succeeded). */
  get failing(): boolean {
    return this.failures > 0;
  }

  /** Seconds until the next retry, at least 1, for Retry-After. */
  retryAfterSeconds(now: number): number {
    return Math.max(1, Math.ceil((this.retryAtMs - now) / 1000));
  }

  start(): void {
    this.running ??= this.loop();
  }

  /**
   * New events are queued: wakes an idle loop (which then gathers for intervalMs), or a gathering
   * one once a full batch is ready or someone waits for them.
   */
  wake(): void {
    const unsent = this.queue.count - this.sentEvents;
    if (this.idle || unsent >= this.options.batchEvents || this.waiters.length > 0) this.work.notify();
  }

  /**
   * Resolves once every event queued so far is in the database. With failFast it rejects with
   * StoreUnavailableError as soon as an insert fails (or if one is failing now).
   */
  flushed(failFast: boolean): Promise<void> {
    const seq = this.queue.lastSeq;
    if (this.flushedSeq >= seq) return Promise.resolve();
    if (failFast && this.failing) return Promise.reject(this.unavailable());
    return new Promise((resolve, reject) => {
      this.waiters.push({ seq, failFast, resolve, reject });
      this.work.notify();
    });
  }

  /** Stops after the inserts in flight (if any); what is still queued stays in the journal. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.work.notify();
    this.pause.notify();
    await this.running;
    for (const w of this.waiters) w.reject(new StoreUnavailableError('event store is closed', 5));
    this.waiters = [];
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const unsent = this.queue.count - this.sentEvents;
      const full = unsent >= this.options.batchEvents || (unsent > 0 && this.waiters.length > 0);
      if (this.sent.length > 0) {
        // A full batch goes out beside the ones in flight; anything less waits for the oldest answer.
        if (full && this.sent.length < this.maxInFlight) this.send();
        else if (this.sent[0].done) await this.handleOldest();
        else await Promise.race([this.sent[0].outcome, this.work.wait()]);
        continue;
      }
      if (unsent === 0) {
        this.idle = true;
        await this.work.wait();
        this.idle = false;
        continue;
      }
      if (!full) {
        await this.work.wait(this.options.intervalMs);
        if (this.stopped) break;
      }
      this.send();
    }
    // Stopping: what is in flight still counts once answered.
    while (this.sent.length > 0) {
      await this.sent[0].outcome;
      await this.handleOldest();
    }
  }

  private send(): void {
    const batch = this.queue.peek(this.options.batchEvents, this.sentSeq);
    const entry: Sent = {
      batch,
      outcome: this.insert(batch, this.sentSeq).then(
        () => null,
        (err: unknown) => toError(err),
      ),
      done: false,
    };
    void entry.outcome.then(() => (entry.done = true));
    this.sent.push(entry);
    this.sentSeq = batch.lastSeq;
    this.sentEvents += batch.lines.length;
  }

  /**
   * hooks.insert as a promise even when it throws before returning one (the batch's encoding, a
   * worker that cannot start): such a failure is retried like any other, not lost with the loop.
   */
  private insert(batch: PendingBatch, afterSeq: number): Promise<void> {
    try {
      return this.hooks.insert(batch, afterSeq);
    } catch (err) {
      return Promise.reject(toError(err));
    }
  }

  /** Takes the oldest insert's answer (it has settled). */
  private async handleOldest(): Promise<void> {
    const entry = this.sent.shift() as Sent;
    this.sentEvents -= entry.batch.lines.length;
    const error = await entry.outcome;
    if (error !== null) {
      // Those sent after it are refused by the checkpoint (or went in after all, which the skip rule
      // sees when they are sent again): wait for their answers, then start over after flushedSeq.
      const later = this.sent;
      this.sent = [];
      this.sentEvents = 0;
      this.sentSeq = this.flushedSeq;
      await Promise.all(later.map((s) => s.outcome));
      await this.failed(error);
      return;
    }
    const batch = entry.batch;
    if (this.failures > 0) this.hooks.onRecovered(this.failures);
    this.failures = 0;
    this.lastError = null;
    this.queue.drop(batch.lastSeq);
    this.flushedSeq = batch.lastSeq;
    this.flushedEvents += batch.lines.length;
    this.batches++;
    this.waiters = this.waiters.filter((w) => {
      if (w.seq > this.flushedSeq) return true;
      w.resolve();
      return false;
    });
    await this.hooks.afterInsert(batch.lastSeq);
  }

  private async failed(error: Error): Promise<void> {
    this.failures++;
    this.lastError = error;
    const delay = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** (this.failures - 1));
    this.retryAtMs = Date.now() + delay;
    this.hooks.onFailure(error, this.failures, delay);
    const failFast = this.waiters.filter((w) => w.failFast);
    this.waiters = this.waiters.filter((w) => !w.failFast);
    for (const w of failFast) w.reject(this.unavailable());
    if (!this.stopped) await this.pause.wait(delay);
  }

  private unavailable(): StoreUnavailableError {
    return new StoreUnavailableError(
      `database unavailable: ${this.lastError?.message ?? 'unknown error'}`,
      this.retryAfterSeconds(Date.now()),
      { cause: this.lastError },
    );
  }
}
