/**
 * Verification (act → wait → evaluate): judge the runs that started after an action, up to a
 * deadline; on failure the ladder says what comes next.
 */
import { nextApplicable } from './applicability.js';
import { nextOnLadder } from './actions.js';
import type {
  ActionId,
  Escalation,
  ExecutedAction,
  HealingContext,
  RunAfter,
  VerificationResult,
} from './types.js';

/**
 * What success means for each action. `next_run`: the next finished run after the action succeeds.
 * `no_failure`: no run started after the action fails before the deadline (a paused or stopped
 * pipeline is not expected to run). `immediate`: the executor's answer is the outcome.
 */
export type VerifyMode = 'next_run' | 'no_failure' | 'immediate';

export const VERIFY_MODE: Readonly<Record<ActionId, VerifyMode>> = Object.freeze({
  retry_stage: 'next_run',
  skip_stage: 'next_run',
  resume_pipeline: 'next_run',
  scale_workers: 'next_run',
  rollback_pipeline: 'next_run',
  increase_timeout: 'next_run',
  restart_worker: 'next_run',
  switch_fallback: 'next_run',
  pause_pipeline: 'no_failure',
  terminate_execution: 'no_failure',
  open_ticket: 'immediate',
  notify: 'immediate',
});

const SUCCESS = new Set(['completed', 'succeeded', 'success']);
const FAILURE = new Set(['failed', 'failure', 'error', 'timed_out']);

/**
 * The outcome of an executed action at `now`, from the runs started at or after it: `failed` as soon
 * as one fails, or when the deadline passes without the success its mode needs; `succeeded` when
 * `successesNeeded` runs completed (no_failure: at the deadline); else `pending`. Runs still going
 * and cancelled runs are not judged.
 */
export function verifyAction(
  action: ExecutedAction,
  runsAfter: readonly RunAfter[],
  deadline: number,
  now: number,
  successesNeeded = 1,
): VerificationResult {
  const mode = VERIFY_MODE[action.action];
  if (mode === 'immediate')
    return { status: 'succeeded', reason: 'done when the executor answered', runs_judged: 0 };
  const judged = runsAfter
    .filter((r) => r.started_at >= action.executed_at && r.finished_at !== null)
    .filter((r) => SUCCESS.has(r.status) || FAILURE.has(r.status))
    .sort((a, b) => (a.finished_at as number) - (b.finished_at as number));
  let successes = 0;
  for (const r of judged) {
    if (r.finished_at !== null && r.finished_at > deadline) break;
    if (FAILURE.has(r.status))
      return {
        status: 'failed',
        reason: `a run started after ${action.action} ${r.status}`,
        runs_judged: successes + 1,
      };
    successes++;
    if (mode === 'next_run' && successes >= successesNeeded)
      return {
        status: 'succeeded',
        reason: `${successes} run(s) after ${action.action} completed`,
        runs_judged: successes,
      };
  }
  if (now < deadline)
    return { status: 'pending', reason: `${successes} run(s) judged so far`, runs_judged: successes };
  if (mode === 'no_failure')
    return {
      status: 'succeeded',
      reason: `no run failed after ${action.action} before the deadline`,
      runs_judged: successes,
    };
  return {
    status: 'failed',
    reason: `deadline passed with ${successes} of ${successesNeeded} successful run(s) after ${action.action}`,
    runs_judged: successes,
  };
}

/**
 * Where a failed fix goes: the next rung of the ladder (with a context, the next one that applies
 * there), or `escalate_to_human`.
 */
export function escalation(action: ActionId, ctx?: HealingContext): Escalation {
  return ctx === undefined ? nextOnLadder(action) : nextApplicable(action, ctx);
}
