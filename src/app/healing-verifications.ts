/** The actions being verified: each watched from its call until its next runs (or the deadline) judge it. */
import {
  verifyAction,
  type DecidedAction,
  type RunAfter,
  type VerificationResult,
} from '../healing/index.js';
import type { ActionRow } from '../ports/index.js';
import { decidedOf } from './healing-records.js';

export interface Verifying {
  row: ActionRow;
  decided: DecidedAction;
  executedAt: number;
  deadline: number;
  /** Runs already seen when the action was taken: never judged as its outcome. */
  known: ReadonlySet<string>;
}

/** The runs of a pipeline started at or after `sinceMs`, leaving out `known` ones. */
export type RunsSince = (pipelineId: string, sinceMs: number, known: ReadonlySet<string>) => RunAfter[];

export class Verifications {
  private readonly watched = new Map<string, Verifying>();

  /** Watches an action until it is judged. */
  watch(v: Verifying): void {
    this.watched.set(v.row.id, v);
  }

  /**
   * Watches again the `verifying` rows a previous run of the process left, from their last update
   * (runs seen before are unknown now); a row without its decided action cannot be judged.
   */
  resume(rows: readonly ActionRow[], deadlineMs: number): void {
    for (const row of rows) {
      const decided = decidedOf(row);
      if (decided === null) continue;
      const executedAt = row.updated_at;
      this.watch({ row, decided, executedAt, deadline: executedAt + deadlineMs, known: new Set() });
    }
  }

  /** Whether an action of the pipeline is being verified. */
  has(pipelineId: string): boolean {
    for (const v of this.watched.values()) if (v.row.pipeline_id === pipelineId) return true;
    return false;
  }

  get size(): number {
    return this.watched.size;
  }

  /** Idempotency keys of the actions being verified. */
  keys(): Set<string> {
    return new Set([...this.watched.values()].map((v) => v.decided.idempotency_key));
  }

  /** Pipelines with an action being verified. */
  pipelines(): string[] {
    return [...this.watched.values()].map((v) => v.row.pipeline_id);
  }

  /** The pipeline's actions judged at `now` (no longer watched), with their verdicts. */
  settle(
    pipelineId: string,
    runsSince: RunsSince,
    now: number,
  ): { v: Verifying; result: VerificationResult }[] {
    const settled: { v: Verifying; result: VerificationResult }[] = [];
    for (const [id, v] of this.watched) {
      if (v.row.pipeline_id !== pipelineId) continue;
      const runs = runsSince(pipelineId, v.executedAt, v.known);
      const result = verifyAction(
        { action: v.decided.spec.action, executed_at: v.executedAt },
        runs,
        v.deadline,
        now,
      );
      if (result.status === 'pending') continue;
      this.watched.delete(id);
      settled.push({ v, result });
    }
    return settled;
  }
}
