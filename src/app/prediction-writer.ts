import type {
  InsightRow,
  InsightStore,
  PredictionRow,
  PredictionStore,
  RunOutcome,
  RunStart,
} from '../ports/index.js';
import { AppError, toError } from '../shared/index.js';
import { EncodedRowBuffer } from './encoded-rows.js';

export interface PredictionWriterOptions {
  /**
   * Most prediction rows per write (one transaction; a transaction's fixed cost is large on PGlite,
   * so fewer, larger writes cost less CPU per row); this many buffered rows start a write without
   * waiting for the next flush. @default 1000
   */
  batchSize?: number;
  /**
   * Most rows held in memory and not yet stored; past it, a prediction's rows are dropped (counted
   * and reported at the next flush), so a database that cannot keep up never grows the heap.
   * @default 50_000
   */
  capacity?: number;
}

/** What the writer did so far. */
export interface PredictionWriterStats {
  /** Rows waiting or being written. */
  pending: number;
  /** Rows stored. */
  written: number;
  /** Rows refused because `capacity` rows were pending. */
  dropped: number;
  /** Rows whose write failed (reported through onError). */
  failed: number;
}

interface Generation {
  /** Encoded as they arrive, their bytes kept off the JS heap until the write. */
  rows: EncodedRowBuffer;
  starts: RunStart[];
  outcomes: RunOutcome[];
  insights: InsightRow[];
}

/**
 * Gathers predictions, run starts, outcomes and insights in memory and writes them off the request
 * path, so scoring never waits for the database. A flush takes everything gathered so far and writes
 * its rows in batches of `batchSize` (one transaction each, in arrival order), the run starts and
 * outcomes with the last batch (after the rows they may update), then the insights. A write that
 * fails is reported and counted: predictions are a record, not the decision itself. At most
 * `capacity` rows wait; more are dropped, counted and reported, never silently.
 */
export class PredictionWriter {
  private next: Generation;
  /** The rows' buffer of the last generation written, kept for the next one. */
  private spare: EncodedRowBuffer | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** The flush that will take `next`, while it has not started yet. */
  private queued: Promise<void> | null = null;
  private inFlight = 0;
  private readonly stats = { written: 0, dropped: 0, failed: 0 };
  private droppedUnreported = 0;
  private readonly batchSize: number;
  private readonly capacity: number;

  constructor(
    private readonly store: PredictionStore,
    private readonly insightStore: InsightStore,
    private readonly onError: (err: Error) => void,
    options: PredictionWriterOptions = {},
  ) {
    this.batchSize = Math.max(1, options.batchSize ?? 1000);
    this.capacity = Math.max(1, options.capacity ?? 50_000);
    this.next = this.generation();
  }

  /** Buffers one prediction's rows (kept or dropped together); a full batch starts a write. */
  addRows(rows: readonly PredictionRow[]): void {
    if (this.pending() + rows.length > this.capacity) {
      this.stats.dropped += rows.length;
      this.droppedUnreported += rows.length;
      return;
    }
    for (const r of rows) this.next.rows.push(this.store.encode(r));
    if (this.next.rows.count >= this.batchSize) void this.flush();
  }

  addStart(start: RunStart): void {
    this.next.starts.push(start);
  }

  addOutcome(outcome: RunOutcome): void {
    this.next.outcomes.push(outcome);
  }

  addInsight(insight: InsightRow): void {
    this.next.insights.push(insight);
  }

  /** Counts so far; `pending` = buffered + being written. */
  counts(): PredictionWriterStats {
    return { pending: this.pending(), ...this.stats };
  }

  /**
   * Writes everything gathered so far; resolves once it (and every earlier write) is stored or
   * reported. Reports rows dropped since the last flush.
   */
  flush(): Promise<void> {
    if (this.droppedUnreported > 0) {
      const n = this.droppedUnreported;
      this.droppedUnreported = 0;
      this.onError(
        new AppError(
          'OVERLOADED',
          `${n} prediction rows not recorded: ${this.capacity} rows were waiting for the database (${this.stats.dropped} dropped in all)`,
        ),
      );
    }
    if (this.queued === null) {
      const run = this.chain.then(() => {
        this.queued = null;
        const g = this.next;
        this.next = this.generation();
        this.inFlight = g.rows.count;
        return this.write(g);
      });
      this.queued = run;
      this.chain = run;
    }
    return this.queued;
  }

  private pending(): number {
    return this.next.rows.count + this.inFlight;
  }

  private generation(): Generation {
    const rows = this.spare ?? new EncodedRowBuffer();
    this.spare = null;
    return { rows, starts: [], outcomes: [], insights: [] };
  }

  private async write(g: Generation): Promise<void> {
    const total = g.rows.count;
    const batches = Math.max(1, Math.ceil(total / this.batchSize));
    for (let b = 0; b < batches; b++) {
      const rows = g.rows.range(b * this.batchSize, Math.min(total, (b + 1) * this.batchSize));
      const last = b === batches - 1;
      try {
        await this.store.write({
          rows,
          starts: last ? g.starts : [],
          outcomes: last ? g.outcomes : [],
        });
        this.stats.written += rows.count;
      } catch (err) {
        this.stats.failed += rows.count;
        this.onError(toError(err));
      } finally {
        this.inFlight -= rows.count;
      }
    }
    g.rows.clear();
    this.spare = g.rows;
    if (g.insights.length === 0) return;
    try {
      await this.insightStore.upsert(g.insights);
    } catch (err) {
      this.onError(toError(err));
    }
  }
}
