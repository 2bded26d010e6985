import type { Page } from './anomalies.js';
import type { TimedPageQuery } from './logs.js';

/**
 * One action an executor is asked to carry out. `action` is an action id of CONVENTIONS.md
 * (`retry_stage`, `pause_pipeline`, …); the ids themselves are the healing room's, this port only
 * carries them.
 */
export interface ActionRequest {
  /** The stored action's id. */
  action_id: string;
  action: string;
  params: Readonly<Record<string, unknown>>;
  pipeline_id: string;
  execution_id: string | null;
  stage_id: string | null;
  /** The same key for the same decision: receivers may use it to drop repeats. */
  idempotency_key: string;
}

/** What an executor sent, for the audit. */
export interface ExecutorCall {
  method: string;
  url: string;
  body: unknown;
}

/** How an execution ended. An executor never throws for a failed call: it answers ok=false. */
export interface ExecutionResult {
  ok: boolean;
  executor: string;
  /** HTTP status of the last attempt, null when no answer came (timeout, connection refused). */
  status_code: number | null;
  /** The start of the last answer's body. */
  response_excerpt: string | null;
  attempts: number;
  /** Why it failed (last attempt), null on success. */
  error: string | null;
  /** The call made (the same for every attempt), null when none was made. */
  request: ExecutorCall | null;
}

/** Something that can carry out remediation actions (a webhook, an orchestrator's control API, …). */
export interface ActionExecutor {
  readonly name: string;
  /** Whether this executor can carry out the action id. */
  supports(action: string): boolean;
  /** Carries the action out; resolves with the result (also on failure), rejects only when aborted. */
  execute(request: ActionRequest, signal: AbortSignal): Promise<ExecutionResult>;
}

/** Life of a remediation action. */
export const ACTION_STATUSES = [
  'planned',
  'dry_run',
  'awaiting_approval',
  'executing',
  'verifying',
  'succeeded',
  'failed',
  'unsupported',
  'rejected',
  'expired',
  'escalated',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
/** Statuses after which nothing more happens to an action. */
export const FINAL_ACTION_STATUSES: readonly ActionStatus[] = [
  'dry_run',
  'succeeded',
  'failed',
  'unsupported',
  'rejected',
  'expired',
  'escalated',
];

/** What set a decision off: an anomaly, an incident, a prediction, or the periodic tick. */
export interface HealingTrigger {
  kind: 'anomaly' | 'incident' | 'prediction' | 'tick';
  id: string | null;
}

/** One remediation action as stored. Times: epoch ms. */
export type ActionRow = {
  id: string;
  idempotency_key: string;
  pipeline_id: string;
  execution_id: string | null;
  stage_id: string | null;
  action: string;
  params: Record<string, unknown>;
  runbook: string | null;
  status: ActionStatus;
  /** Why it is in this status (guard verdicts, errors, verification). */
  reason: string | null;
  trigger_kind: HealingTrigger['kind'];
  trigger_id: string | null;
  executor: string | null;
  attempts: number;
  result: ExecutionResult | null;
  verification: Record<string, unknown> | null;
  /** The decided action as the healing room made it (what an approval resumes). */
  decided: Record<string, unknown> | null;
  created_at: number;
  updated_at: number;
};

/** What may change on an action after it was planned. */
export type ActionPatch = Partial<
  Pick<ActionRow, 'status' | 'reason' | 'executor' | 'attempts' | 'result' | 'verification'>
>;

/** List filters of actions and audit records (CONVENTIONS.md lists plus action and status). */
export interface HealingListQuery extends TimedPageQuery {
  action?: string;
  status?: string;
}

/** Where remediation actions are kept; the idempotency key is unique across processes and restarts. */
export interface ActionStore {
  /**
   * Stores the action unless one with the same idempotency key exists. `inserted` false means the
   * decision was made before: `row` is the earlier action, and nothing must be executed again.
   */
  claim(row: ActionRow): Promise<{ inserted: boolean; row: ActionRow }>;
  /**
   * Applies the patch when the action is in one of `from` (compare-and-set); the row after, or null
   * when it was not in one of them.
   */
  transition(
    id: string,
    from: readonly ActionStatus[],
    patch: ActionPatch,
    nowMs: number,
  ): Promise<ActionRow | null>;
  get(id: string): Promise<ActionRow | null>;
  /** Newest first; the times filter created_at. */
  list(q: HealingListQuery): Promise<Page<ActionRow>>;
  /** Actions in one of these statuses, oldest first (restart: resume or close them). */
  withStatus(statuses: readonly ActionStatus[]): Promise<ActionRow[]>;
}

/** A training label: whether an action fixed what its anomaly, incident or prediction pointed at. */
export type OutcomeLabelRow = {
  id: string;
  action_id: string;
  trigger_kind: HealingTrigger['kind'];
  trigger_id: string | null;
  pipeline_id: string;
  execution_id: string | null;
  action: string;
  label: 'fixed' | 'not_fixed';
  created_at: number;
};

/** Outcome labels the anomaly and prediction training read. */
export interface OutcomeLabelStore {
  add(row: OutcomeLabelRow): Promise<void>;
  /** Newest first; the times filter created_at. */
  list(q: TimedPageQuery): Promise<Page<OutcomeLabelRow>>;
}

/** A human's go-ahead for a risky action. */
export type ApprovalRow = {
  id: string;
  action_id: string;
  pipeline_id: string;
  action: string;
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  reason: string | null;
  requested_at: number;
  expires_at: number;
  decided_at: number | null;
  decided_by: string | null;
};

/** Approvals: pending until decided or expired. */
export interface ApprovalStore {
  create(row: ApprovalRow): Promise<void>;
  get(id: string): Promise<ApprovalRow | null>;
  /**
   * Decides a pending approval that has not expired at `nowMs`; the row after, or null when it was
   * not pending (already decided or expired).
   */
  decide(
    id: string,
    decision: 'approved' | 'rejected',
    by: string | null,
    nowMs: number,
  ): Promise<ApprovalRow | null>;
  /** Marks pending approvals whose expiry has passed as expired; returns them. */
  expire(nowMs: number): Promise<ApprovalRow[]>;
  /** Newest first; `status` filters; the times filter requested_at. */
  list(q: HealingListQuery): Promise<Page<ApprovalRow>>;
}

/** What an audit record is about. */
export type AuditKind = 'decision' | 'execution' | 'verification' | 'approval' | 'control';

/** One append-only audit record. `detail` holds inputs, model versions, guard results, calls, answers. */
export type AuditEntry = {
  id: string;
  at: number;
  kind: AuditKind;
  pipeline_id: string | null;
  action_id: string | null;
  action: string | null;
  status: string | null;
  runbook: string | null;
  detail: Record<string, unknown>;
};

/** The audit log: appended to, listed, and pruned by retention only. */
export interface AuditStore {
  append(entries: readonly AuditEntry[]): Promise<void>;
  /** Newest first; the times filter `at`. */
  list(q: HealingListQuery): Promise<Page<AuditEntry>>;
  /** Deletes records older than `beforeMs` (retention); returns how many. */
  prune(beforeMs: number): Promise<number>;
}

/** Operator settings of the loop that outlive a restart (kill switch, disabled runbooks). */
export interface HealingSettings {
  /** Null when no operator has set it (the flag decides). */
  kill_switch: boolean | null;
  /** Runbooks an operator enabled (true) or disabled (false), by name, over what their files say. */
  runbook_overrides: Record<string, boolean>;
}

export interface HealingSettingsStore {
  load(): Promise<HealingSettings>;
  save(settings: HealingSettings): Promise<void>;
}

/**
 * Pipeline leases: one service process acts for a pipeline at a time when several share a store. A
 * lease lapses after its time-to-live, so a crashed holder does not block the pipeline for ever.
 */
export interface PipelineLeaseStore {
  /** Takes or renews the lease; false when another owner holds it and it has not lapsed. */
  acquire(pipelineId: string, owner: string, nowMs: number, ttlMs: number): Promise<boolean>;
  release(pipelineId: string, owner: string): Promise<void>;
}

/**
 * One pipeline's guard state as data (epoch ms), what the guards keep between runs of the process:
 * the idempotency keys decided, the rate window, the cooldown, the breaker, flap damping and whether
 * the pipeline is under remediation. Only times still inside their windows are kept.
 */
export interface PipelineGuardRecord {
  pipeline_id: string;
  /** Idempotency keys decided (`expires_at` null) or waiting for approval (until `expires_at`). */
  keys: { key: string; at: number; expires_at: number | null }[];
  /** Times of the actions taken in the rate window, oldest first. */
  actions: number[];
  last_decision: string | null;
  last_acted_at: number;
  /** Consecutive failed fixes. */
  failures: number;
  breaker_opened_at: number | null;
  /** The one decision let through while the breaker is half-open. */
  trial_decision: string | null;
  last_healthy: boolean | null;
  /** Times of health flips in the flap window, oldest first. */
  flips: number[];
  /** The executed fixes (idempotency keys) still under remediation and since when; empty: none. */
  remediating: { key: string; since: number }[];
}

/** Where the guards' state outlives a restart: one record per pipeline with anything left to guard. */
export interface GuardStateStore {
  load(): Promise<PipelineGuardRecord[]>;
  /** One pipeline's record; null when it has nothing left to guard. */
  loadOne(pipelineId: string): Promise<PipelineGuardRecord | null>;
  /** Writes the changed records and deletes those with nothing left (`cleared`), in one transaction. */
  save(changes: { saved: readonly PipelineGuardRecord[]; cleared: readonly string[] }): Promise<void>;
}
