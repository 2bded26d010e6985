import {
  ACTION_RISK,
  actionKey,
  decisionKey,
  defaultAction,
  targetStage,
  type ActionId,
  type DecidedAction,
  type HealingContext,
  type Trigger,
} from '../healing/index.js';

/**
 * The next rung after a failed fix, as a decided action of the same runbook: default parameters, a
 * trigger derived from the failed one (so its idempotency key is stable and its own).
 */
export function ladderStep(
  a: DecidedAction,
  next: ActionId,
  ctx: HealingContext,
  now: number,
): DecidedAction {
  const trigger: Trigger = { kind: a.trigger.kind, id: `${a.trigger.id}>${next}`, at: now };
  const spec = defaultAction(next);
  return {
    idempotency_key: actionKey(a.runbook, a.pipeline_id, trigger, 0),
    decision_key: decisionKey(a.runbook, a.pipeline_id, trigger),
    index: 0,
    pipeline_id: a.pipeline_id,
    runbook: a.runbook,
    mode: a.mode,
    requires_approval: a.requires_approval,
    risk: ACTION_RISK[next],
    trigger,
    spec,
    stage: next === 'retry_stage' || next === 'skip_stage' ? targetStage(spec, ctx) : null,
    execution_id: ctx.execution_id,
    replaces: a.spec.action,
  };
}
