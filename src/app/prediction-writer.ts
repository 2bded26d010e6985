import type {
  InsightRow,
  InsightStore,
  PredictionRow,
  PredictionStore,
  RunOutcome,
  RunStart,
} from '../ports/index.js';
import { toError } from '../shared/index.js';

/**
 * Gathers predictions, run starts, outcomes and insights in memory and writes them in batches (one
 * transaction per batch, in arrival order), so scoring never waits for the database. A batch that
 * fails is reported and dropped: predictions are a record, not the decision itself.
 */
export class PredictionWriter {
  private rows: PredictionRow[] = [];
  private starts: RunStart[] = [];
  private outcomes: RunOutcome[] = [];
  private insights: InsightRow[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: PredictionStore,
    private readonly insightStore: InsightStore,
    private readonly onError: (err: Error) => void,
    /** Buffered rows that start a write without waiting for the next flush. */
    private readonly batchSize = 500,
  ) {}

  addRows(rows: readonly PredictionRow[]): void {
    for (const r of rows) this.rows.push(r);
    if (this.rows.length >= this.batchSize) void this.flush();
  }

  addStart(start: RunStart): void {
    this.starts.push(start);
  }

  addOutcome(outcome: RunOutcome): void {
    this.outcomes.push(outcome);
  }

  addInsight(insight: InsightRow): void {
    this.insights.push(insight);
  }

  /** Writes everything gathered so far; resolves once it (and every earlier batch) is stored. */
  flush(): Promise<void> {
    const batch = { rows: this.rows, starts: this.starts, outcomes: this.outcomes };
    const insights = this.insights;
    this.rows = [];
    this.starts = [];
    this.outcomes = [];
    this.insights = [];
    this.chain = this.chain.then(async () => {
      try {
        await this.store.write(batch);
        if (insights.length > 0) await this.insightStore.upsert(insights);
      } catch (err) {
        this.onError(toError(err));
      }
    });
    return this.chain;
  }
}
