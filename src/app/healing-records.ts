/** The rows the healing loop stores: actions from decided actions, audit records, outcome labels. */
import type { DecidedAction, GuardVerdict, HealingContext } from '../healing/index.js';
import type { ActionRow, ActionStatus, AuditEntry, AuditKind, OutcomeLabelRow } from '../ports/index.js';

/** The action row of a decided action, in its first status. */
export function actionRow(
  a: DecidedAction,
  id: string,
  status: ActionStatus,
  reason: string,
  now: number,
): ActionRow {
  return {
    id,
    idempotency_key: a.idempotency_key,
    pipeline_id: a.pipeline_id,
    execution_id: a.execution_id,
    stage_id: a.stage,
    action: a.spec.action,
    params: executorParams(a),
    runbook: a.runbook,
    status,
    reason,
    trigger_kind: a.trigger.kind,
    trigger_id: a.trigger.id,
    executor: null,
    attempts: 0,
    result: null,
    verification: null,
    decided: a as unknown as Record<string, unknown>,
    created_at: now,
    updated_at: now,
  };
}

/** The parameters an executor gets: the action's, with the resolved stage. */
export function executorParams(a: DecidedAction): Record<string, unknown> {
  const params: Record<string, unknown> = { ...a.spec.params };
  if (a.stage !== null) params.stage = a.stage;
  return params;
}

/** The decided action stored with an action row. */
export function decidedOf(row: ActionRow): DecidedAction | null {
  const d = row.decided as unknown as DecidedAction | null;
  return d !== null && typeof d === 'object' && typeof d.idempotency_key === 'string' ? d : null;
}

/** What the audit keeps of a decision's inputs: the context and the model versions behind it. */
export function decisionInputs(ctx: HealingContext): Record<string, unknown> {
  return {
    inputs: {
      pipeline: ctx.pipeline,
      snapshot: ctx.snapshot,
      anomaly: ctx.anomaly,
      prediction: ctx.prediction,
      incident: ctx.incident,
      signatures: ctx.signatures,
      failing_stage: ctx.failing_stage,
      execution_id: ctx.execution_id,
    },
    model_versions: {
      anomaly: ctx.anomaly?.model_version ?? null,
      prediction: ctx.prediction?.model_version ?? null,
    },
  };
}

/** The audit record of a guard verdict on a decided action. */
export function decisionAudit(
  id: string,
  now: number,
  a: DecidedAction,
  verdict: GuardVerdict,
  actionId: string | null,
  status: string,
  inputs: Record<string, unknown>,
): AuditEntry {
  return {
    id,
    at: now,
    kind: 'decision',
    pipeline_id: a.pipeline_id,
    action_id: actionId,
    action: a.spec.action,
    status,
    runbook: a.runbook,
    detail: {
      trigger: a.trigger,
      idempotency_key: a.idempotency_key,
      params: a.spec.params,
      stage: a.stage,
      risk: a.risk,
      replaces: a.replaces,
      verdict: verdict.verdict,
      guards: verdict.guards,
      escalation: verdict.escalation,
      ...inputs,
    },
  };
}

/** An audit record about an action row (execution, verification, approval). */
export function actionAudit(
  id: string,
  now: number,
  kind: AuditKind,
  row: ActionRow,
  detail: Record<string, unknown>,
): AuditEntry {
  return {
    id,
    at: now,
    kind,
    pipeline_id: row.pipeline_id,
    action_id: row.id,
    action: row.action,
    status: row.status,
    runbook: row.runbook,
    detail,
  };
}

/** The training label of a finished action: did it fix what triggered it. */
export function outcomeLabel(id: string, row: ActionRow, fixed: boolean, now: number): OutcomeLabelRow {
  return {
    id,
    action_id: row.id,
    trigger_kind: row.trigger_kind,
    trigger_id: row.trigger_id,
    pipeline_id: row.pipeline_id,
    execution_id: row.execution_id,
    action: row.action,
    label: fixed ? 'fixed' : 'not_fixed',
    created_at: now,
  };
}
