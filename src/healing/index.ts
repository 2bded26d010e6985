/**
 * The healing room's public face: the decision core of the self-healing loop. Runbooks (data) turn a
 * HealingContext into decisions; Guards say whether each action may execute; verification judges the
 * runs after an action; the ladder says where a failed fix goes next. Pure: the caller brings the
 * clock, randomness, executors and storage.
 */
export * from './types.js';
export { ACTION_RISK, BESIDE_LADDER, SAFE_LADDER, ladderRung, nextOnLadder, riskAtLeast } from './actions.js';
export {
  PERMANENT_SIGNATURES,
  TRANSIENT_SIGNATURES,
  isRetryable,
  nonRetryableSignature,
  retryBlocker,
  retryClass,
  retryDelayMs,
  type RetryClass,
} from './retry.js';
export { DEFAULT_PREFLIGHT_THRESHOLDS, preflightPolicy, preflightThresholds } from './preflight.js';
export {
  CONTEXT_FIELDS,
  CONTEXT_FIELD_FAMILIES,
  resolveField,
  type FieldDef,
  type FieldFamily,
  type FieldType,
  type FieldValue,
  type ResolvedField,
} from './fields.js';
export { evaluateCondition, parseCondition } from './conditions.js';
export { ACTION_PARAMS, defaultAction, parseActionParams, type ParamSpec } from './params.js';
export {
  RunbookInvalidError,
  assertUniqueNames,
  parseRunbook,
  parseRunbookText,
  validateRunbook,
  type RunbookValidation,
} from './runbook.js';
export { nextApplicable, notApplicable, targetStage } from './applicability.js';
export { actionKey, attemptKey, decisionKey, matchingRunbooks, planDecisions } from './decide.js';
export { attemptOf, nextRetry, type RetryStep } from './attempts.js';
export { DEFAULT_GUARD_CONFIG, guardConfig } from './guard-config.js';
export {
  Guards,
  type EvaluateOptions,
  type GivenApproval,
  type GuardChanges,
  type OutcomeEffect,
} from './guards.js';
export { VERIFY_MODE, escalation, verifyAction, type VerifyMode } from './verify.js';
export { anomalyContext, incidentContext, kpisFromSnapshot, signaturesFromPatterns } from './context.js';
export {
  PLAN_ACTION_IDS,
  parsePlanRequest,
  planRiskLevel,
  planSelfHealing,
  type PlanAction,
  type PlanActionType,
  type PlanRequest,
  type PlanResult,
} from './plan.js';
