/**
 * The original self-healing plan (`POST /api/ai/self-healing/plan`, SEED_API.md): the same body and
 * answer with the original action `type` words, each action also carrying its action id
 * (CONVENTIONS.md). Advice only: nothing here executes.
 */
import { ValidationError } from '../shared/index.js';
import type { ActionId, RiskLevel } from './types.js';

/** The original action words. */
export type PlanActionType =
  | 'retry_failed_stage'
  | 'restart_worker'
  | 'switch_fallback_service'
  | 'scale_resources'
  | 'increase_timeout'
  | 'parallelize_pipeline_stages';

/** Each original word's action id; parallelizing is advice only and has none. */
export const PLAN_ACTION_IDS: Readonly<Record<PlanActionType, ActionId | null>> = Object.freeze({
  retry_failed_stage: 'retry_stage',
  restart_worker: 'restart_worker',
  switch_fallback_service: 'switch_fallback',
  scale_resources: 'scale_workers',
  increase_timeout: 'increase_timeout',
  parallelize_pipeline_stages: null,
});

export interface PlanRequest {
  risk_score: number;
  primary_cause: string;
  failing_stage: string;
  retry_count: number;
  human_approval_mode: boolean;
  parallelizable: boolean;
}

export interface PlanAction {
  type: PlanActionType;
  action_id: ActionId | null;
  /** True for advice that is never executed. */
  advice_only: boolean;
  [param: string]: unknown;
}

export interface PlanResult {
  actions: PlanAction[];
  risk_level: RiskLevel;
  requires_human_approval: boolean;
  rollback_plan: string[];
  reason: string;
}

/** Risk level of the original: low < 0.6 ≤ medium < 0.8 ≤ high. */
export function planRiskLevel(risk: number): RiskLevel {
  return risk >= 0.8 ? 'high' : risk >= 0.6 ? 'medium' : 'low';
}

/** Retries already made from which the plan stops proposing another. */
const RETRY_LIMIT = 3;
/** Parallelizing is proposed only up to this risk. */
const PARALLELIZE_MAX_RISK = 0.6;

/**
 * Reads the original body: numbers missing or null mean 0, text missing means `unknown`, flags
 * missing mean false; a wrong type or range is a ValidationError naming the field.
 */
export function parsePlanRequest(body: unknown): PlanRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ValidationError('body', 'must be a JSON object');
  const b = body as Record<string, unknown>;
  const num = (name: string, max: number): number => {
    const v = b[name];
    if (v === undefined || v === null) return 0;
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ValidationError(name, `${name} must be a number`);
    if (v < 0 || v > max) throw new ValidationError(name, `${name} must be between 0 and ${max}, got ${v}`);
    return v;
  };
  const text = (name: string): string => {
    const v = b[name];
    if (v === undefined || v === null) return 'unknown';
    if (typeof v !== 'string') throw new ValidationError(name, `${name} must be a string`);
    return v;
  };
  const flag = (name: string): boolean => {
    const v = b[name];
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') throw new ValidationError(name, `${name} must be true or false`);
    return v;
  };
  return {
    risk_score: num('risk_score', 1),
    primary_cause: text('primary_cause'),
    failing_stage: text('failing_stage'),
    retry_count: Math.floor(num('retry_count', Number.MAX_SAFE_INTEGER)),
    human_approval_mode: flag('human_approval_mode'),
    parallelizable: flag('parallelizable'),
  };
}

const step = (type: PlanActionType, params: Record<string, unknown>): PlanAction => ({
  type,
  ...params,
  action_id: PLAN_ACTION_IDS[type],
  advice_only: PLAN_ACTION_IDS[type] === null,
});

/** The actions each primary cause calls for, besides the retry. */
function causeActions(cause: string, stage: string): PlanAction[] {
  switch (cause) {
    case 'connection_issue':
      return [
        step('restart_worker', { target: 'pipeline-worker' }),
        step('switch_fallback_service', { target: 'secondary-endpoint' }),
      ];
    case 'resource_bottleneck':
      return [
        step('scale_resources', { cpu: '+2', memory: '+4Gi' }),
        step('increase_timeout', { stage, multiplier: 1.5 }),
      ];
    case 'data_inconsistency':
      return [step('increase_timeout', { stage, multiplier: 1.2 })];
    case 'configuration_error':
      return [step('switch_fallback_service', { target: 'known-good-config-profile' })];
    default:
      return [];
  }
}

/** The plan for a request, as the original answered it. */
export function planSelfHealing(req: PlanRequest): PlanResult {
  const actions: PlanAction[] = [];
  if (req.retry_count < RETRY_LIMIT)
    actions.push(step('retry_failed_stage', { stage: req.failing_stage, max_attempts: RETRY_LIMIT }));
  actions.push(...causeActions(req.primary_cause, req.failing_stage));
  if (req.parallelizable && req.risk_score <= PARALLELIZE_MAX_RISK)
    actions.push(step('parallelize_pipeline_stages', { mode: 'safe_non_critical_only' }));
  const riskLevel = planRiskLevel(req.risk_score);
  const approval = req.human_approval_mode || riskLevel === 'high';
  return {
    actions,
    risk_level: riskLevel,
    requires_human_approval: approval,
    rollback_plan: [
      'Restore the timeout and scaling settings saved before the change',
      'Return the worker pool to its baseline size',
      'Route traffic back to the primary service',
    ],
    reason:
      `cause ${req.primary_cause} at stage ${req.failing_stage}, risk ${req.risk_score.toFixed(2)} (${riskLevel}), ` +
      `${req.retry_count} retr${req.retry_count === 1 ? 'y' : 'ies'} so far` +
      (approval ? '; a human approves before anything runs' : ''),
  };
}
