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
}

export interface FlusherHooks {
  /** Inserts the batch and advances the checkpoint to batch.lastSeq, atomically. */
  insert(batch: PendingBatch): Promise<void>;
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

/**
 * Copies journaled events into the database in large batches, one insert in flight, retrying
 * failures with exponential backoff. The queue keeps a failed batch until it goes in.
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
    if (this.idle || this.queue.count >= this.options.batchEvents || this.waiters.length > 0)
      this.work.notify();
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

  /** Stops after the insert in flight (if any); what is still queued stays in the journal. */
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
      if (this.queue.count === 0) {
        this.idle = true;
        await this.work.wait();
        this.idle = false;
        continue;
      }
      if (this.queue.count < this.options.batchEvents && this.waiters.length === 0) {
        await this.work.wait(this.options.intervalMs);
        if (this.stopped) break;
      }
      await this.flushOne(this.queue.peek(this.options.batchEvents));
    }
  }

  private async flushOne(batch: PendingBatch): Promise<void> {
    try {
      await this.hooks.insert(batch);
    } catch (err) {
      await this.failed(toError(err));
      return;
    }
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
    await this.pause.wait(delay);
  }

  private unavailable(): StoreUnavailableError {
    return new StoreUnavailableError(
      `database unavailable: ${this.lastError?.message ?? 'unknown error'}`,
      this.retryAfterSeconds(Date.now()),
      { cause: this.lastError },
    );
  }
}
