/**
 * The retry attempts waiting out their backoff. Each is stored as a `planned` action row whose decided
 * action carries the attempt and its due time, so a restart finds it again (`resume`) and the row's
 * compare-and-set from `planned` lets one process take it once.
 */
import type { DecidedAction } from '../healing/index.js';
import type { ActionRow } from '../ports/index.js';
import { decidedOf } from './healing-records.js';

export interface PendingAttempt {
  row: ActionRow;
  decided: DecidedAction;
  dueAt: number;
}

export class RetrySchedule {
  private readonly pending = new Map<string, PendingAttempt>();

  /** Waits an attempt (its `planned` row) out until it is due. */
  add(row: ActionRow, decided: DecidedAction): void {
    this.pending.set(row.id, { row, decided, dueAt: decided.retry?.due_at ?? row.created_at });
  }

  /** Waits again the `planned` attempts a previous run of the process left; returns the rows left out. */
  resume(rows: readonly ActionRow[]): ActionRow[] {
    const others: ActionRow[] = [];
    for (const row of rows) {
      const decided = decidedOf(row);
      if (decided?.retry === undefined) others.push(row);
      else this.add(row, decided);
    }
    return others;
  }

  /** Whether the pipeline has an attempt waiting. */
  has(pipelineId: string): boolean {
    for (const p of this.pending.values()) if (p.row.pipeline_id === pipelineId) return true;
    return false;
  }

  /** Pipelines with an attempt due at `now`. */
  duePipelines(now: number): string[] {
    const out = new Set<string>();
    for (const p of this.pending.values()) if (p.dueAt <= now) out.add(p.row.pipeline_id);
    return [...out];
  }

  /** The pipeline's attempts due at `now`, oldest first, no longer waited for. */
  takeDue(pipelineId: string, now: number): PendingAttempt[] {
    const due: PendingAttempt[] = [];
    for (const [id, p] of this.pending)
      if (p.row.pipeline_id === pipelineId && p.dueAt <= now) {
        this.pending.delete(id);
        due.push(p);
      }
    return due.sort((a, b) => a.dueAt - b.dueAt);
  }

  get size(): number {
    return this.pending.size;
  }
}
