/**
 * From runbooks and a context to decisions: the highest-priority enabled runbook whose condition
 * holds decides for the pipeline; each of its actions is checked against the context, and one that
 * cannot be taken here gives way to the next rung of the ladder that can.
 */
import { hash53 } from '../shared/index.js';
import { ACTION_RISK } from './actions.js';
import { nextApplicable, notApplicable, targetStage } from './applicability.js';
import { evaluateCondition } from './conditions.js';
import { defaultAction } from './params.js';
import type {
  ActionId,
  ActionSpec,
  DecidedAction,
  Decision,
  DroppedAction,
  HealingContext,
  Runbook,
  Trigger,
} from './types.js';

/** A 106-bit stable key of the parts (two seeded 53-bit hashes), the same in every process. */
function stableKey(parts: readonly (string | number)[]): string {
  const text = JSON.stringify(parts);
  return `${hash53(text).toString(36)}${hash53(text, 0x9e3779b9).toString(36)}`;
}

/** The key of a decision: runbook + pipeline + trigger. */
export function decisionKey(runbook: string, pipelineId: string, trigger: Trigger): string {
  return stableKey([runbook, pipelineId, trigger.kind, trigger.id]);
}

/** The idempotency key of one action: runbook + pipeline + trigger + action index. */
export function actionKey(runbook: string, pipelineId: string, trigger: Trigger, index: number): string {
  return stableKey([runbook, pipelineId, trigger.kind, trigger.id, index]);
}

/** The idempotency key of attempt `attempt` (1-based) of an action whose first attempt has `firstKey`. */
export function attemptKey(firstKey: string, attempt: number): string {
  return attempt === 1 ? firstKey : stableKey([firstKey, 'attempt', attempt]);
}

/** Enabled runbooks whose condition holds, highest priority first (ties by name). */
export function matchingRunbooks(runbooks: readonly Runbook[], ctx: HealingContext): Runbook[] {
  return runbooks
    .filter((r) => r.enabled && evaluateCondition(r.when, ctx))
    .sort((a, b) => b.priority - a.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The decisions for the context's pipeline: at most one, from the highest-priority matching enabled
 * runbook; none when nothing matches (the ladder's `continue`).
 */
export function planDecisions(runbooks: readonly Runbook[], ctx: HealingContext): Decision[] {
  const runbook = matchingRunbooks(runbooks, ctx)[0];
  return runbook === undefined ? [] : [decide(runbook, ctx)];
}

function decide(runbook: Runbook, ctx: HealingContext): Decision {
  const pipelineId = ctx.pipeline.id;
  const key = decisionKey(runbook.name, pipelineId, ctx.trigger);
  const taken = new Set<ActionId>(runbook.actions.map((a) => a.action));
  const actions: DecidedAction[] = [];
  const dropped: DroppedAction[] = [];
  let escalate = false;

  const add = (spec: ActionSpec, index: number, replaces: ActionId | null): void => {
    actions.push({
      idempotency_key: actionKey(runbook.name, pipelineId, ctx.trigger, index),
      decision_key: key,
      index,
      pipeline_id: pipelineId,
      runbook: runbook.name,
      mode: runbook.mode,
      requires_approval: runbook.requires_approval,
      risk: ACTION_RISK[spec.action],
      trigger: ctx.trigger,
      spec,
      stage: spec.action === 'retry_stage' || spec.action === 'skip_stage' ? targetStage(spec, ctx) : null,
      execution_id: ctx.execution_id,
      replaces,
    });
  };

  runbook.actions.forEach((spec, index) => {
    const why = notApplicable(spec, ctx);
    if (why === null) return add(spec, index, null);
    dropped.push({ index, action: spec.action, reason: why });
    const next = nextApplicable(spec.action, ctx);
    if (next === 'escalate_to_human') escalate = true;
    else if (!taken.has(next)) {
      taken.add(next);
      add(defaultAction(next), index, spec.action);
    }
  });

  const what = actions.map((a) => a.spec.action).join(', ') || 'nothing applicable';
  const because = runbook.description === '' ? '' : ` (${runbook.description})`;
  return {
    key,
    pipeline_id: pipelineId,
    runbook: runbook.name,
    priority: runbook.priority,
    trigger: ctx.trigger,
    actions,
    dropped,
    escalate_to_human: escalate || actions.length === 0,
    reason: `runbook "${runbook.name}" matched${because}: ${what}`,
  };
}
