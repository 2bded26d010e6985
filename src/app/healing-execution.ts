/** Carrying an action out: the first configured executor that supports it, and its call. */
import type { DecidedAction } from '../healing/index.js';
import type { ActionExecutor, ActionRow, ExecutionResult } from '../ports/index.js';
import { toError } from '../shared/index.js';
import { executorParams } from './healing-records.js';

/** The executor for an action, or undefined when none configured supports it. */
export function executorFor(
  executors: readonly ActionExecutor[],
  a: DecidedAction,
): ActionExecutor | undefined {
  return executors.find((e) => e.supports(a.spec.action));
}

/** The executor's call; an executor that throws (a bug, or shutdown) counts as a failed call. */
export async function callExecutor(
  executor: ActionExecutor,
  row: ActionRow,
  a: DecidedAction,
  signal: AbortSignal,
): Promise<ExecutionResult> {
  try {
    return await executor.execute(
      {
        action_id: row.id,
        action: a.spec.action,
        params: executorParams(a),
        pipeline_id: a.pipeline_id,
        execution_id: a.execution_id,
        stage_id: a.stage,
        idempotency_key: a.idempotency_key,
      },
      signal,
    );
  } catch (err) {
    return {
      ok: false,
      executor: executor.name,
      status_code: null,
      response_excerpt: null,
      attempts: 0,
      error: toError(err).message,
      request: null,
    };
  }
}
