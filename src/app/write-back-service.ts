import type {
  IncidentAlertState,
  IncidentRow,
  InsightOutcome,
  WriteBackLedger,
  WriteBackTarget,
} from '../ports/index.js';
import { toError, type Clock } from '../shared/index.js';
import {
  aiInsightOf,
  alertHasPipeline,
  alertKey,
  alertOf,
  belowAlertThreshold,
  insightKey,
  type SkipReason,
} from './write-back-mapping.js';

export interface WriteBackDeps {
  ledger: WriteBackLedger;
  target: WriteBackTarget;
  clock: Clock;
  /** Insights or incidents read per batch. @default 500 */
  batchSize?: number;
  /** Batches of each kind one pass writes at most (the rest waits for the next pass). @default 20 */
  maxBatchesPerPass?: number;
  /** The newest written insights whose dismissal each pass reads back. @default 1000 */
  dismissalWindow?: number;
  /** A record left out of the target, and why (counted in stats as well). */
  onSkip?: (skip: {
    what: 'insight' | 'alert';
    id: string;
    pipeline_id: string;
    reason: SkipReason;
    detail?: string;
  }) => void;
  /** A failed pass (the target is down, …): nothing was lost, the next pass retries. */
  onError?: (err: Error, consecutiveFailures: number) => void;
  /** The first pass that succeeded after failures. */
  onRecovered?: (failures: number) => void;
}

/** Counts since start, for /api/status and /metrics. */
export interface WriteBackStats {
  passes: number;
  failed_passes: number;
  consecutive_failures: number;
  last_error: string | null;
  /** ISO time of the last pass that succeeded. */
  last_success_at: string | null;
  insights_written: number;
  alerts_opened: number;
  alerts_resolved: number;
  dismissals_read: number;
  /** Dismissals made here carried to FlexiRoaster's rows. */
  dismissals_written: number;
  skipped: Record<SkipReason, number>;
}

/** What one pass wrote. */
export interface WriteBackPass {
  insights: number;
  alerts_opened: number;
  alerts_resolved: number;
  dismissed: number;
  dismissals_written: number;
  skipped: number;
}

/**
 * Writes the service's insight records and incidents back to FlexiRoaster's `ai_insights` and
 * `alerts` and reads dismissals back. Each batch is written to the target first and recorded in the
 * ledger only once the target committed: a failure between the two repeats the batch, which lands
 * on the same rows (keys derived from the records), so nothing is lost and nothing doubles.
 */
export class WriteBackService {
  private readonly batchSize: number;
  private readonly maxBatches: number;
  private running: Promise<WriteBackPass | null> = Promise.resolve(null);
  /** The pass queued behind the running one, which every tick until it starts joins. */
  private queued: Promise<WriteBackPass | null> | null = null;
  private readonly counts: WriteBackStats = {
    passes: 0,
    failed_passes: 0,
    consecutive_failures: 0,
    last_error: null,
    last_success_at: null,
    insights_written: 0,
    alerts_opened: 0,
    alerts_resolved: 0,
    dismissals_read: 0,
    dismissals_written: 0,
    skipped: { pipeline_not_in_source: 0, below_alert_threshold: 0, rejected_by_target: 0 },
  };

  constructor(private readonly deps: WriteBackDeps) {
    this.batchSize = deps.batchSize ?? 500;
    this.maxBatches = deps.maxBatchesPerPass ?? 20;
  }

  /**
   * One pass after the one running, if any; ticks while a pass waits join it, so a slow target never
   * piles passes up. Never throws: a failure is counted and reported.
   */
  tick(): Promise<WriteBackPass | null> {
    if (this.queued !== null) return this.queued;
    const next = this.running.then(() => {
      this.queued = null;
      return this.pass();
    });
    this.queued = next;
    this.running = next;
    return next;
  }

  /** Final pass at shutdown: what is pending now is written (or stays pending if the target is down). */
  flush(): Promise<WriteBackPass | null> {
    return this.tick();
  }

  stats(): WriteBackStats {
    return { ...this.counts, skipped: { ...this.counts.skipped } };
  }

  private async pass(): Promise<WriteBackPass | null> {
    const c = this.counts;
    c.passes++;
    try {
      const done: WriteBackPass = {
        insights: 0,
        alerts_opened: 0,
        alerts_resolved: 0,
        dismissed: 0,
        dismissals_written: 0,
        skipped: 0,
      };
      await this.repeat(() => this.insightBatch(done));
      // Resolutions first: an alert closes at its incident's end before the next one of its kind opens.
      await this.repeat(() => this.resolvedAlertBatch(done));
      await this.repeat(() => this.newAlertBatch(done));
      await this.readDismissals(done);
      if (c.consecutive_failures > 0) this.deps.onRecovered?.(c.consecutive_failures);
      c.consecutive_failures = 0;
      c.last_success_at = new Date(this.deps.clock.now()).toISOString();
      return done;
    } catch (e) {
      const err = toError(e);
      c.failed_passes++;
      c.consecutive_failures++;
      c.last_error = err.message;
      this.deps.onError?.(err, c.consecutive_failures);
      return null;
    }
  }

  /** Runs `batch` until it finds less than a full batch (or the pass's limit). */
  private async repeat(batch: () => Promise<number>): Promise<void> {
    for (let i = 0; i < this.maxBatches; i++) if ((await batch()) < this.batchSize) return;
  }

  private async insightBatch(done: WriteBackPass): Promise<number> {
    const { ledger, target } = this.deps;
    const read = await ledger.pendingInsights(this.batchSize);
    if (read.length === 0) return 0;
    // Dismissed here since: the dismissal goes to FlexiRoaster's row (a no-op where none was written).
    const dismissals = read.filter((i) => i.dismissed);
    const pending = read.filter((i) => !i.dismissed);
    const pipelines = await target.existingPipelines(unique(pending.map((i) => i.pipeline_id)));
    const executions = await target.existingExecutions(
      unique(
        pending.flatMap((i) =>
          i.execution_id !== null && pipelines.has(i.pipeline_id) ? [i.execution_id] : [],
        ),
      ),
    );
    const skip = new Map<string, Skip>();
    for (const i of pending) {
      if (belowAlertThreshold(i)) skip.set(i.id, { reason: 'below_alert_threshold' });
      else if (!pipelines.has(i.pipeline_id)) skip.set(i.id, { reason: 'pipeline_not_in_source' });
    }
    const chosen = pending.filter((i) => !skip.has(i.id));
    const rejected = await target.writeInsights(
      chosen.map((i) => aiInsightOf(i, i.execution_id !== null && executions.has(i.execution_id))),
    );
    const refused = new Map(rejected.map((r) => [r.key, r.reason]));
    for (const i of chosen) {
      const why = refused.get(insightKey(i.id));
      if (why !== undefined) skip.set(i.id, { reason: 'rejected_by_target', detail: why });
    }
    await target.dismissInsights(dismissals.map((i) => insightKey(i.id)));
    const outcomes = pending.map((i): InsightOutcome => ({
      id: i.id,
      stamp: i.stamp,
      outcome: skip.has(i.id) ? `skipped:${skip.get(i.id)?.reason}` : 'written',
    }));
    for (const i of dismissals) outcomes.push({ id: i.id, stamp: i.stamp, outcome: 'dismissed' });
    await ledger.markInsights(outcomes, this.deps.clock.now());
    this.counts.dismissals_written += dismissals.length;
    done.dismissals_written += dismissals.length;
    const written = pending.length - skip.size;
    this.counts.insights_written += written;
    done.insights += written;
    for (const i of pending) {
      const s = skip.get(i.id);
      if (s !== undefined) this.skipped('insight', { id: i.id, pipeline_id: i.pipeline_id, ...s }, done);
    }
    return read.length;
  }

  private async newAlertBatch(done: WriteBackPass): Promise<number> {
    const { ledger, target } = this.deps;
    const fresh = await ledger.incidentsWithoutAlert(this.batchSize);
    if (fresh.length === 0) return 0;
    const pipelines = await target.existingPipelines(
      unique(fresh.filter(alertHasPipeline).map((i) => i.pipeline_id)),
    );
    const skip = new Map<string, Skip>();
    for (const i of fresh)
      if (alertHasPipeline(i) && !pipelines.has(i.pipeline_id))
        skip.set(i.id, { reason: 'pipeline_not_in_source' });
    const rejected = await target.openAlerts(fresh.filter((i) => !skip.has(i.id)).map(alertOf));
    const refused = new Map(rejected.map((r) => [r.key, r.reason]));
    for (const i of fresh) {
      const why = refused.get(alertKey(i.id));
      if (why !== undefined) skip.set(i.id, { reason: 'rejected_by_target', detail: why });
    }
    const states = fresh.map((i): IncidentAlertState => ({
      incident_id: i.id,
      pipeline_id: i.pipeline_id,
      kind: i.kind,
      status: skip.has(i.id) ? 'skipped' : i.status === 'resolved' ? 'resolved' : 'open',
      reason: skip.get(i.id)?.reason ?? null,
    }));
    await ledger.markAlerts(states, this.deps.clock.now());
    const opened = fresh.length - skip.size;
    this.counts.alerts_opened += opened;
    done.alerts_opened += opened;
    for (const i of fresh) {
      const s = skip.get(i.id);
      if (s !== undefined) this.skipped('alert', { id: i.id, pipeline_id: i.pipeline_id, ...s }, done);
    }
    return fresh.length;
  }

  private async resolvedAlertBatch(done: WriteBackPass): Promise<number> {
    const { ledger, target } = this.deps;
    const over = await ledger.resolvedWithOpenAlert(this.batchSize);
    if (over.length === 0) return 0;
    await target.resolveAlerts(
      over.map((i) => ({ key: alertKey(i.id), resolved_at: i.resolved_at ?? i.last_seen_at })),
    );
    await ledger.markAlerts(
      over.map((i) => resolvedState(i)),
      this.deps.clock.now(),
    );
    this.counts.alerts_resolved += over.length;
    done.alerts_resolved += over.length;
    return over.length;
  }

  private async readDismissals(done: WriteBackPass): Promise<void> {
    const { ledger, target } = this.deps;
    const written = await ledger.writtenInsights(this.deps.dismissalWindow ?? 1000);
    if (written.length === 0) return;
    const dismissed = await target.dismissedInsights(written.map(insightKey));
    const ids = written.filter((id) => dismissed.has(insightKey(id)));
    if (ids.length === 0) return;
    await ledger.dismiss(ids);
    this.counts.dismissals_read += ids.length;
    done.dismissed += ids.length;
  }

  private skipped(
    what: 'insight' | 'alert',
    s: { id: string; pipeline_id: string } & Skip,
    done: WriteBackPass,
  ): void {
    this.counts.skipped[s.reason]++;
    done.skipped++;
    this.deps.onSkip?.({ what, ...s });
  }
}

/** Why a record is not written; `detail` is the target's own reason when it refused the row. */
type Skip = { reason: SkipReason; detail?: string };

function resolvedState(i: IncidentRow): IncidentAlertState {
  return { incident_id: i.id, pipeline_id: i.pipeline_id, kind: i.kind, status: 'resolved', reason: null };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
