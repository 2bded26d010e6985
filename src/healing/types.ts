/**
 * The healing room's contract: action ids, what a decision is made from (HealingContext), runbooks,
 * decisions, guard verdicts, verification and the preflight policy. snake_case where the objects go
 * out as JSON (audit, API) unchanged.
 */

/** Every action id (CONVENTIONS.md, "Actions"). */
export const ACTION_IDS = [
  'retry_stage',
  'skip_stage',
  'pause_pipeline',
  'resume_pipeline',
  'scale_workers',
  'rollback_pipeline',
  'terminate_execution',
  'increase_timeout',
  'restart_worker',
  'switch_fallback',
  'open_ticket',
  'notify',
] as const;
/** One action id. */
export type ActionId = (typeof ACTION_IDS)[number];

/** How much harm an action can do when it is wrong. */
export type RiskLevel = 'low' | 'medium' | 'high';

/** A rung of the safe ladder: `continue` (do nothing) or an action. */
export type LadderStep = 'continue' | ActionId;

/** Where a failed fix goes next: a further action, or a human. */
export type Escalation = ActionId | 'escalate_to_human';

// ---------------------------------------------------------------------------------------------------
// Action parameters (validated per action by parseActionParams)

/** Backoff between retries: delay = random in [0, min(max_ms, base_ms · 2^(attempt−1))) with full jitter. */
export interface BackoffParams {
  base_ms: number;
  max_ms: number;
  /** `full`: uniform in [0, cap); `none`: exactly the cap. */
  jitter: 'full' | 'none';
}

export interface RetryStageParams {
  /** The stage to retry; null = the failing stage of the context. */
  stage: string | null;
  max_attempts: number;
  backoff: BackoffParams;
}
export interface SkipStageParams {
  /** The stage to skip; null = the failing stage. Critical stages are never skipped. */
  stage: string | null;
}
export interface ScaleWorkersParams {
  /** Workers to add. */
  delta: number;
  /** Never scale past this many workers. */
  max: number;
}
export interface IncreaseTimeoutParams {
  /** New timeout = old × factor. */
  factor: number;
  /** Never past this many seconds. */
  max_seconds: number;
}
export interface RollbackPipelineParams {
  /** The definition version to restore; null = the one before the current. */
  to_version: number | null;
}
export interface SwitchFallbackParams {
  target: string | null;
}
export interface OpenTicketParams {
  severity: 'low' | 'medium' | 'high' | 'critical';
  title: string | null;
}
export interface NotifyParams {
  channel: string | null;
  message: string | null;
}
/** Actions without parameters. */
export type NoParams = Record<string, never>;

/** The parameters of each action. */
export interface ActionParamsById {
  retry_stage: RetryStageParams;
  skip_stage: SkipStageParams;
  pause_pipeline: NoParams;
  resume_pipeline: NoParams;
  scale_workers: ScaleWorkersParams;
  rollback_pipeline: RollbackPipelineParams;
  terminate_execution: NoParams;
  increase_timeout: IncreaseTimeoutParams;
  restart_worker: NoParams;
  switch_fallback: SwitchFallbackParams;
  open_ticket: OpenTicketParams;
  notify: NotifyParams;
}

/** An action with its parameters, discriminated by `action`. */
export type ActionSpec = { [A in ActionId]: { action: A; params: ActionParamsById[A] } }[ActionId];

// ---------------------------------------------------------------------------------------------------
// What a decision is made from

/** One stage of the pipeline. */
export interface StageContext {
  id: string;
  name: string;
  /** A critical stage is never skipped. */
  is_critical: boolean;
}

/** The pipeline acted on. */
export interface PipelineContext {
  id: string;
  name: string;
  is_active: boolean;
  /** A critical pipeline is never paused by the non-critical runbooks (their conditions say so). */
  is_critical: boolean;
  tags: readonly string[];
  timeout_seconds: number | null;
  /** The definition version now in use; null when unknown. */
  version: number | null;
  stages: readonly StageContext[];
  /** Minutes since the pipeline's latest run started (as the loop saw it); absent when none was seen. */
  idle_minutes?: number;
  /** Failed runs among the last RECENT_RUNS finished ones the loop saw; absent when none finished. */
  recent_failed_runs?: number;
}

/** What started this round of decisions. */
export type TriggerKind = 'anomaly' | 'prediction' | 'incident' | 'tick';
export const TRIGGER_KINDS: readonly TriggerKind[] = ['anomaly', 'prediction', 'incident', 'tick'];

export interface Trigger {
  kind: TriggerKind;
  /** The anomaly, prediction or incident id; for a tick, the caller's tick id (e.g. its time bucket). */
  id: string;
  /** Epoch ms. */
  at: number;
}

/** The live window's KPIs (flattened from the monitoring snapshot by kpisFromSnapshot). */
export interface SnapshotKpis {
  sampled_events: number;
  failure_rate: number;
  failed_runs: number;
  retry_frequency: number;
  /** Execution plus stage retries in the window. */
  retries: number;
  previous_failure_rate: number;
  previous_retry_frequency: number;
  avg_duration_seconds: number;
  p95_duration_seconds: number;
  /** % change of the mean duration vs the previous window; null when unknown. */
  duration_change_percent: number | null;
  avg_latency_ms: number;
  latency_spike: boolean;
  /** Robust z of the recent latency p95; null when the spread is 0 or unknown. */
  latency_robust_z: number | null;
  avg_throughput_per_minute: number;
  throughput_drop: boolean;
  /** % change of recent throughput vs its baseline; null when unknown. */
  throughput_change_percent: number | null;
  avg_cpu_percent: number;
  avg_memory_percent: number;
  avg_data_volume_mb: number;
  /** 0..1, 1 = nothing wrong seen. */
  health_score: number;
  health_status: 'healthy' | 'degraded' | 'critical';
  /** Failed stage runs by stage name. */
  stage_failure_counts: Readonly<Record<string, number>>;
}

/** The anomaly that triggered (or accompanies) the decision. */
export interface AnomalyContext {
  id: string;
  kind: 'execution' | 'metric';
  score: number;
  reasons: readonly string[];
  algorithm: string;
  model_version: string | null;
  /** The metric series, for kind `metric`. */
  metric: string | null;
  /** The features as judged (numbers only). */
  features: Readonly<Record<string, number>>;
}

/** The latest failure prediction for the pipeline. */
export interface PredictionContext {
  id: string;
  failure_probability: number;
  model_version: string | null;
  /** Risk of each stage, by stage name, 0..1. */
  stage_risks: Readonly<Record<string, number>>;
}

/** The open incident the pipeline is in. */
export interface IncidentContext {
  id: string;
  kind: 'execution' | 'metric';
  anomaly_count: number;
  max_score: number;
  /** Epoch ms. */
  opened_at: number;
}

/** One error signature class (src/logs: timeout, connection, schema_mismatch, …) and how often it was seen. */
export interface SignatureCount {
  signature: string;
  count: number;
}

/** Everything a runbook condition may look at. Absent parts (no anomaly, no prediction) are null. */
export interface HealingContext {
  pipeline: PipelineContext;
  trigger: Trigger;
  snapshot: SnapshotKpis | null;
  anomaly: AnomalyContext | null;
  prediction: PredictionContext | null;
  incident: IncidentContext | null;
  /** Error signatures of the window, most frequent first. */
  signatures: readonly SignatureCount[];
  /** The stage that failed (by name), when known. */
  failing_stage: string | null;
  /** The execution concerned (the failing or running one), when known. */
  execution_id: string | null;
}

// ---------------------------------------------------------------------------------------------------
// Runbooks

/** Comparison operators of the condition language. */
export const CONDITION_OPS = [
  '==',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  'in',
  'not_in',
  'contains',
  'exists',
] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** A scalar a condition compares with. */
export type ConditionValue = number | string | boolean;

/** The condition language (docs/HEALING.md): combinators over field comparisons. */
export type Condition =
  | { all: readonly Condition[] }
  | { any: readonly Condition[] }
  | { not: Condition }
  | { field: string; op: ConditionOp; value?: ConditionValue | readonly ConditionValue[] };

/** `dry_run`: plan and audit, execute nothing; `live`: execute (guards permitting). */
export type RunbookMode = 'dry_run' | 'live';

/** A validated runbook. */
export interface Runbook {
  name: string;
  description: string;
  enabled: boolean;
  /** Higher first; ties by name. */
  priority: number;
  /** null: the service's default (GuardConfig.defaultMode, dry_run unless the operator turns it off). */
  mode: RunbookMode | null;
  /** Every action of this runbook waits for a human, whatever its risk. */
  requires_approval: boolean;
  when: Condition;
  actions: readonly ActionSpec[];
}

/** One problem of a runbook: where (JSON path, e.g. `actions.0.params.max_attempts`) and what. */
export interface RunbookProblem {
  path: string;
  message: string;
}

// ---------------------------------------------------------------------------------------------------
// Decisions

/** One action of a decision, self-contained so guards, executors and the audit need nothing else. */
export interface DecidedAction {
  /** Stable hash of runbook + pipeline + trigger + action index: the same decision never executes twice. */
  idempotency_key: string;
  /** Key of the decision this action belongs to (runbook + pipeline + trigger). */
  decision_key: string;
  index: number;
  pipeline_id: string;
  runbook: string;
  /** The runbook's mode; null = the service's default (GuardConfig.defaultMode). */
  mode: RunbookMode | null;
  requires_approval: boolean;
  risk: RiskLevel;
  trigger: Trigger;
  spec: ActionSpec;
  /** The stage acted on (retry/skip), resolved from the params or the failing stage. */
  stage: string | null;
  execution_id: string | null;
  /** When the runbook's action was not applicable here and the ladder moved on: the action it replaced. */
  replaces: ActionId | null;
  /** A later attempt of a retry_stage (absent on the decided action itself, which is attempt 1). */
  retry?: RetryAttempt;
}

/** A later attempt of a retry_stage action: which one, and when it is due. */
export interface RetryAttempt {
  /** 2 … max_attempts. */
  attempt: number;
  max_attempts: number;
  /** The idempotency key of attempt 1: every attempt's key derives from it and the attempt number. */
  first_key: string;
  /** The backoff before this attempt. */
  delay_ms: number;
  /** Epoch ms. */
  due_at: number;
}

/** An action of the runbook that was not taken, and why. */
export interface DroppedAction {
  index: number;
  action: ActionId;
  reason: string;
}

/** What a runbook decided for one pipeline. */
export interface Decision {
  key: string;
  pipeline_id: string;
  runbook: string;
  priority: number;
  trigger: Trigger;
  actions: readonly DecidedAction[];
  dropped: readonly DroppedAction[];
  /** Nothing applicable was left on the ladder: a human must look. */
  escalate_to_human: boolean;
  reason: string;
}

// ---------------------------------------------------------------------------------------------------
// Guards

/** What the guards allow for one action. `duplicate`: its idempotency key was seen before. */
export type GuardVerdictKind = 'execute' | 'dry_run' | 'needs_approval' | 'denied' | 'duplicate';

export const GUARD_NAMES = [
  'idempotency',
  'kill_switch',
  'circuit_breaker',
  'flap_damping',
  'cooldown',
  'rate_limit',
  'fleet_cap',
  'dry_run',
  'approval',
] as const;
export type GuardName = (typeof GUARD_NAMES)[number];

/** One guard's answer, for the audit. */
export interface GuardResult {
  name: GuardName;
  passed: boolean;
  detail: string;
}

/** What the caller must raise besides the verdict. */
export type GuardEscalation = 'escalate_incident' | 'escalate_to_human';

export interface GuardVerdict {
  verdict: GuardVerdictKind;
  /** Every guard, in evaluation order. */
  guards: readonly GuardResult[];
  escalation: GuardEscalation | null;
  /** For `needs_approval`: when the approval request expires (epoch ms). */
  approval_expires_at: number | null;
}

/** Every guard threshold; defaults in DEFAULT_GUARD_CONFIG (docs/HEALING.md). Durations in ms. */
export interface GuardConfig {
  /** Nothing is executed or planned for execution while on. */
  killSwitch: boolean;
  /** Global dry run: every action is planned and audited, none executed. */
  dryRun: boolean;
  /** Mode of runbooks that do not set one: dry_run until an operator turns it off (`live`). */
  defaultMode: RunbookMode;
  /** Actions of this risk or above wait for a human. */
  approvalRisk: RiskLevel;
  /** These actions wait for a human whatever their risk. */
  approvalActions: readonly ActionId[];
  /** An approval request not answered within this time expires. */
  approvalTtlMs: number;
  /** After a decision acted on a pipeline, other decisions for it wait this long. */
  cooldownMs: number;
  /** At most this many actions per pipeline per rate window. */
  rateLimitMax: number;
  rateLimitWindowMs: number;
  /** At most this many pipelines under remediation (acted on, outcome not yet recorded) at once. */
  fleetCap: number;
  /** A remediation with no recorded outcome counts against the fleet cap for at most this long. */
  remediationTtlMs: number;
  /** Consecutive failed fixes that open a pipeline's breaker. */
  breakerFailures: number;
  /** An open breaker lets one trial through after this long (half-open). */
  breakerCoolMs: number;
  /** Health flips within the flap window that hold a pipeline. */
  flapFlips: number;
  flapWindowMs: number;
  /** Idempotency keys are remembered this long. */
  idempotencyTtlMs: number;
}

/** Circuit breaker state of a pipeline. */
export type BreakerState = 'closed' | 'open' | 'half_open';

/** Outcome of a fix, fed back to the guards. */
export type FixOutcome = 'success' | 'failure';

// ---------------------------------------------------------------------------------------------------
// Verification and preflight

/** A run of the pipeline seen after an action (epoch ms). */
export interface RunAfter {
  status: string;
  started_at: number;
  finished_at: number | null;
}

/** An action as executed, for verification. */
export interface ExecutedAction {
  action: ActionId;
  /** Epoch ms the executor acted. */
  executed_at: number;
}

export type VerificationStatus = 'pending' | 'succeeded' | 'failed';

export interface VerificationResult {
  status: VerificationStatus;
  reason: string;
  /** Finished runs after the action that were judged. */
  runs_judged: number;
}

/** Preflight answer for a run about to start: let it run, hold it for a human, or prevent it. */
export type PreflightDecision = 'continue' | 'gate' | 'prevent';

/** Probability thresholds of the preflight policy: gate ≤ prevent. */
export interface PreflightThresholds {
  gate: number;
  prevent: number;
}
