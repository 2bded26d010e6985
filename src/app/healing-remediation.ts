/**
 * Acting for one pipeline in its turn: builds the HealingContext, plans with the runbooks, passes
 * every action through the Guards, executes through the executors, judges the runs that follow,
 * closes the action (audit, guards, training label), and then retries (a retry_stage with attempts
 * left, after its backoff), climbs the ladder or hands over to a human.
 */
import {
  attemptOf,
  escalation,
  nextRetry,
  planDecisions,
  retryBlocker,
  verifyAction,
  type AnomalyContext,
  type DecidedAction,
  type Decision,
  type Guards,
  type HealingContext,
  type IncidentContext,
  type PredictionContext,
  type RetryStep,
  type Runbook,
  type Trigger,
  type GuardVerdict,
} from '../healing/index.js';
import type { PipelineSnapshot } from '../monitoring/index.js';
import type {
  ActionExecutor,
  ActionRow,
  ActionStatus,
  OutcomeLabelRow,
  PipelineCatalog,
} from '../ports/index.js';
import type { Clock } from '../shared/index.js';
import { buildHealingContext } from './healing-context.js';
import type { HealingEscalations } from './healing-escalations.js';
import { callExecutor, executorFor } from './healing-execution.js';
import type { ActionJournal } from './healing-journal.js';
import { ladderStep } from './healing-ladder.js';
import { actionRow, decisionInputs, outcomeLabel } from './healing-records.js';
import type { RetrySchedule } from './healing-retries.js';
import type { RunTracker } from './healing-runs.js';
import type { HealingStores } from './healing-stores.js';
import type { Verifications } from './healing-verifications.js';

export interface RemediationDeps {
  guards: Guards;
  executors: readonly ActionExecutor[];
  stores: HealingStores;
  catalog: PipelineCatalog;
  snapshot(pipelineId: string): PipelineSnapshot | undefined;
  /** The runbooks enabled now. */
  enabledRunbooks(): Runbook[];
  clock: Clock;
  newId: () => string;
  runs: RunTracker;
  verifying: Verifications;
  /** retry_stage attempts waiting out their backoff. */
  retries: RetrySchedule;
  /** Uniform numbers in [0, 1) for the backoff's jitter (a seeded source). */
  random: () => number;
  journal: ActionJournal;
  escalations: HealingEscalations;
  /** How long verification watches the runs after an action. */
  verifyDeadlineMs: number;
  /** Cancels executor calls in flight (shutdown). */
  signal: AbortSignal;
}

/** After a failed retry_stage attempt: the context then, and whether another attempt follows. */
interface AfterFailure {
  ctx: HealingContext;
  step: RetryStep;
}

/** A decision to take for a pipeline. */
export interface DecideJob {
  trigger: Trigger;
  anomaly: AnomalyContext | null;
  incident: IncidentContext | null;
}

/** Runs the orchestrator started just before our clock saw the call still count as after it. */
const CLOCK_SKEW_MS = 5000;
/** Actions that reach people: they neither count as fixes nor feed the breaker. */
const PEOPLE_ACTIONS: ReadonlySet<string> = new Set(['open_ticket', 'notify']);

export class Remediation {
  /** The next rung of the ladder a failed fix left for a pipeline, tried before new decisions. */
  private readonly ladder = new Map<string, DecidedAction>();
  /** The latest failure prediction of each pipeline (runbooks read it with every decision). */
  private readonly predictions = new Map<string, PredictionContext>();

  constructor(private readonly deps: RemediationDeps) {}

  /** Remembers the pipeline's latest failure prediction. */
  setPrediction(pipelineId: string, prediction: PredictionContext): void {
    this.predictions.set(pipelineId, prediction);
  }

  /**
   * Reads the pipeline's guard state back from the store before acting for it (holding its lease),
   * so what another process sharing the store did for the pipeline counts here too.
   */
  async loadGuards(pipelineId: string): Promise<void> {
    const record = await this.deps.stores.guardState.loadOne(pipelineId);
    this.deps.guards.restorePipeline(pipelineId, record, this.deps.clock.now());
  }

  /** Writes what changed in the guards' state (before any executor call, and after every job). */
  async saveGuards(): Promise<void> {
    await this.deps.stores.guardState.save(this.deps.guards.changes(this.deps.clock.now()));
  }

  /** The pipeline's HealingContext for a trigger. */
  async context(
    pipelineId: string,
    trigger: Trigger,
    anomaly: AnomalyContext | null,
    incident: IncidentContext | null,
  ): Promise<HealingContext> {
    return buildHealingContext({
      pipelineId,
      trigger,
      info: await this.deps.catalog.getPipeline(pipelineId),
      snapshot: this.deps.snapshot(pipelineId),
      runs: this.deps.runs,
      anomaly,
      incident,
      prediction: this.predictions.get(pipelineId) ?? null,
    });
  }

  /** Decides for the pipeline on a trigger: a pending rung of the ladder first, else the runbooks. */
  async decide(pipelineId: string, job: DecideJob): Promise<void> {
    const ctx = await this.context(pipelineId, job.trigger, job.anomaly, job.incident);
    const now = this.deps.clock.now();
    if (ctx.snapshot !== null)
      this.deps.guards.observeHealth(pipelineId, ctx.snapshot.health_status === 'healthy', now);
    // A retry waiting out its backoff is the remediation under way: it runs (or stops) first.
    if (this.deps.retries.has(pipelineId)) return;
    const pending = this.ladder.get(pipelineId);
    if (pending !== undefined) {
      if (ctx.snapshot?.health_status === 'healthy') this.ladder.delete(pipelineId);
      else return this.guardAndAct(pending, ctx, true);
    }
    for (const d of planDecisions(this.deps.enabledRunbooks(), ctx)) await this.carryOut(d, ctx);
  }

  private async carryOut(d: Decision, ctx: HealingContext): Promise<void> {
    for (const a of d.actions) await this.guardAndAct(a, ctx, false);
    if (d.escalate_to_human && d.actions.length === 0 && this.deps.journal.firstDenial(d.key))
      await this.deps.escalations.toHuman(d.pipeline_id, `${d.reason}; nothing on the ladder applies`, {
        decision: d.key,
        dropped: d.dropped,
        ...decisionInputs(ctx),
      });
  }

  /**
   * One decided action through the guards; executes, plans dry, or asks for approval. `planned` is
   * the stored row of a retry attempt that came due (taken from `planned` once, or ended `rejected`).
   */
  private async guardAndAct(
    a: DecidedAction,
    ctx: HealingContext,
    fromLadder: boolean,
    planned: ActionRow | null = null,
  ): Promise<void> {
    const { guards, stores, clock, newId, journal } = this.deps;
    const now = clock.now();
    const verdict = guards.evaluate(a, now);
    const inputs = decisionInputs(ctx);
    if (verdict.verdict === 'duplicate') {
      if (fromLadder) this.ladder.delete(a.pipeline_id);
      if (planned !== null) await this.attemptNotTaken(planned, a, verdict, inputs, now);
      return;
    }
    if (verdict.verdict === 'denied') {
      const ended = planned === null ? null : await this.attemptNotTaken(planned, a, verdict, inputs, now);
      if (planned === null && journal.firstDenial(a.idempotency_key))
        await journal.decision(a, verdict, null, 'denied', inputs, now);
      if (verdict.escalation === 'escalate_incident')
        await this.deps.escalations.fleetCapReached(a, guards.underRemediation(now), guards.config.fleetCap);
      else if (verdict.escalation === 'escalate_to_human')
        await this.deps.escalations.toHuman(
          a.pipeline_id,
          `circuit breaker open: ${a.spec.action} not taken`,
          {
            idempotency_key: a.idempotency_key,
          },
        );
      if (ended !== null) await this.retryFailed(a, ended.id, ctx);
      return;
    }
    if (fromLadder) this.ladder.delete(a.pipeline_id);
    const status: ActionStatus =
      verdict.verdict === 'dry_run'
        ? 'dry_run'
        : verdict.verdict === 'needs_approval'
          ? 'awaiting_approval'
          : 'executing';
    const failedGuard = verdict.guards.find((g) => !g.passed);
    const reason = failedGuard === undefined ? 'all guards passed' : failedGuard.detail;
    await this.saveGuards();
    let row: ActionRow | null;
    if (planned === null) {
      const claimed = await stores.actions.claim(actionRow(a, newId(), status, reason, now));
      row = claimed.inserted ? claimed.row : null; // decided before: by another process, or before a restart
    } else row = await stores.actions.transition(planned.id, ['planned'], { status, reason }, now);
    if (row === null) return;
    await journal.decision(a, verdict, row.id, status, inputs, now);
    journal.notify(row);
    if (status === 'awaiting_approval') {
      await stores.approvals.create({
        id: newId(),
        action_id: row.id,
        pipeline_id: row.pipeline_id,
        action: row.action,
        status: 'pending',
        reason,
        requested_at: now,
        expires_at: verdict.approval_expires_at ?? now + guards.config.approvalTtlMs,
        decided_at: null,
        decided_by: null,
      });
    } else if (status === 'executing') await this.execute(row, a);
  }

  /** Carries out an action now `executing`: unsupported, failed, succeeded, or watched for verification. */
  async execute(row: ActionRow, a: DecidedAction): Promise<void> {
    const { stores, clock } = this.deps;
    const executor = executorFor(this.deps.executors, a);
    if (executor === undefined) {
      const why = `no configured executor supports ${a.spec.action}; escalated to a human`;
      const after = await stores.actions.transition(
        row.id,
        ['executing'],
        { status: 'unsupported', reason: why },
        clock.now(),
      );
      // Nothing ran: not a failed fix (no breaker count, no training label), and its remediation ends.
      this.deps.guards.release(a.pipeline_id, a.idempotency_key);
      if (after !== null) {
        await this.deps.journal.record(after, 'execution', {
          executors: this.deps.executors.map((e) => e.name),
        });
        this.deps.journal.notify(after);
      }
      await this.deps.escalations.toHuman(a.pipeline_id, why, { action_id: row.id });
      return;
    }
    const startedAt = clock.now();
    const known = this.deps.runs.runIds(a.pipeline_id);
    const result = await callExecutor(executor, row, a, this.deps.signal);
    const now = clock.now();
    const patch = { executor: executor.name, attempts: result.attempts, result };
    if (!result.ok) {
      const reason = `${executor.name} failed after ${result.attempts} attempt(s): ${result.error ?? 'unknown error'}`;
      const after = await stores.actions.transition(
        row.id,
        ['executing'],
        { ...patch, status: 'failed', reason },
        now,
      );
      const retry = after === null ? null : await this.afterFailure(a);
      const retrying = retry?.step.retry === true;
      if (after !== null)
        await this.finish(after, a, false, 'execution', { result, ...retryDetail(retry) }, retrying);
      if (after !== null && retry?.step.retry === true)
        return this.schedule(retry.step.next, after, retry.ctx);
      await this.deps.escalations.toHuman(
        a.pipeline_id,
        `${a.spec.action} could not be carried out: ${reason}`,
        {
          action_id: row.id,
        },
      );
      return;
    }
    const executedAt = startedAt - CLOCK_SKEW_MS;
    const deadline = now + this.deps.verifyDeadlineMs;
    const first = verifyAction({ action: a.spec.action, executed_at: executedAt }, [], deadline, now);
    if (first.status === 'succeeded') {
      const after = await stores.actions.transition(
        row.id,
        ['executing'],
        { ...patch, status: 'succeeded', reason: first.reason, verification: { ...first } },
        now,
      );
      if (after !== null) await this.finish(after, a, true, 'execution', { result, verification: first });
      return;
    }
    const after = await stores.actions.transition(
      row.id,
      ['executing'],
      {
        ...patch,
        status: 'verifying',
        reason: 'executed; watching the next runs',
        verification: { deadline: iso(deadline) },
      },
      now,
    );
    if (after === null) return;
    await this.deps.journal.record(after, 'execution', { result });
    this.deps.journal.notify(after);
    this.deps.verifying.watch({ row: after, decided: a, executedAt, deadline, known });
  }

  // ---------------------------------------------------------------------------------------------
  // Verify → label → ladder

  /** Judges the pipeline's actions under verification that its runs (or the deadline) settle. */
  async verify(pipelineId: string): Promise<void> {
    const { stores, clock } = this.deps;
    const now = clock.now();
    const runsSince = this.deps.runs.runsSince.bind(this.deps.runs);
    for (const { v, result: r } of this.deps.verifying.settle(pipelineId, runsSince, now)) {
      const ok = r.status === 'succeeded';
      const after = await stores.actions.transition(
        v.row.id,
        ['verifying'],
        {
          status: ok ? 'succeeded' : 'failed',
          reason: r.reason,
          verification: { ...r, deadline: iso(v.deadline) },
        },
        now,
      );
      if (after === null) continue;
      const retry = ok ? null : await this.afterFailure(v.decided);
      const detail = { verification: r, ...retryDetail(retry) };
      await this.finish(after, v.decided, ok, 'verification', detail, retry?.step.retry === true);
      if (ok) continue;
      if (retry?.step.retry === true) await this.schedule(retry.step.next, after, retry.ctx);
      else await this.climb(v.decided, retry?.ctx);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Retry attempts

  /** After a failed retry_stage attempt: whether another follows (null for any other action). */
  private async afterFailure(a: DecidedAction): Promise<AfterFailure | null> {
    if (a.spec.action !== 'retry_stage') return null;
    const now = this.deps.clock.now();
    const ctx = await this.context(a.pipeline_id, { ...a.trigger, at: now }, null, null);
    return { ctx, step: nextRetry(a, ctx.signatures, now, this.deps.random) };
  }

  /** Stores the next attempt as `planned` (audited as a decision) and waits its backoff out. */
  private async schedule(next: DecidedAction, failed: ActionRow, ctx: HealingContext): Promise<void> {
    const { stores, clock, newId, journal } = this.deps;
    const r = next.retry;
    if (r === undefined) return;
    const now = clock.now();
    const reason = `attempt ${r.attempt} of ${r.max_attempts}, due ${iso(r.due_at)} (backoff ${r.delay_ms} ms after attempt ${r.attempt - 1} failed)`;
    const claimed = await stores.actions.claim(actionRow(next, newId(), 'planned', reason, now));
    if (!claimed.inserted) return;
    await journal.record(claimed.row, 'decision', {
      retry_of: failed.id,
      retry: r,
      idempotency_key: next.idempotency_key,
      ...decisionInputs(ctx),
    });
    journal.notify(claimed.row);
    this.deps.retries.add(claimed.row, next);
  }

  /**
   * The pipeline's attempts due now: each passes the guards again (kill switch, dry run, rate limit,
   * breaker, its own idempotency key) and executes; a signature a retry cannot fix that appeared
   * during the backoff ends it (`rejected`) and the ladder moves on.
   */
  async retryDue(pipelineId: string): Promise<void> {
    const now = this.deps.clock.now();
    for (const { row, decided } of this.deps.retries.takeDue(pipelineId, now)) {
      const ctx = await this.context(pipelineId, { ...decided.trigger, at: now }, null, null);
      const blocker = retryBlocker(ctx.signatures);
      if (blocker === null) {
        await this.guardAndAct(decided, ctx, false, row);
        continue;
      }
      const why = `${blocker} errors now, a retry will not fix them`;
      const after = await this.rejectAttempt(row, decided, why, (r) =>
        this.deps.journal.record(r, 'decision', { blocker, ...decisionInputs(ctx) }),
      );
      if (after !== null) await this.retryFailed(decided, after.id, ctx);
    }
  }

  /**
   * A retry whose next attempt was not taken failed as a fix (its last attempt taken failed): the
   * breaker counts it, and the ladder moves up (its next rung passes the guards in turn).
   */
  private async retryFailed(a: DecidedAction, actionId: string, ctx: HealingContext): Promise<void> {
    await this.fixOutcome(a, false, actionId);
    await this.climb(a, ctx);
  }

  /** A due attempt the guards did not let through: its row ends `rejected`, naming the guard. */
  private async attemptNotTaken(
    planned: ActionRow,
    a: DecidedAction,
    verdict: GuardVerdict,
    inputs: Record<string, unknown>,
    now: number,
  ): Promise<ActionRow | null> {
    const failed = verdict.guards.find((g) => !g.passed);
    const why = failed === undefined ? verdict.verdict : `${failed.name}: ${failed.detail}`;
    return this.rejectAttempt(planned, a, why, (r) =>
      this.deps.journal.decision(a, verdict, r.id, 'rejected', inputs, now),
    );
  }

  /** Ends a due attempt that was not taken: `rejected`, saying why, audited by `audit`; null when taken meanwhile. */
  private async rejectAttempt(
    planned: ActionRow,
    a: DecidedAction,
    why: string,
    audit: (after: ActionRow) => Promise<void>,
  ): Promise<ActionRow | null> {
    const after = await this.deps.stores.actions.transition(
      planned.id,
      ['planned'],
      { status: 'rejected', reason: `attempt ${attemptOf(a)} not taken: ${why}` },
      this.deps.clock.now(),
    );
    if (after === null) return null;
    await audit(after);
    this.deps.journal.notify(after);
    return after;
  }

  /**
   * Closes an action: audit, outcome to the guards (fixes only), training label. A fix that failed
   * and opened the breaker goes to a human. A failed attempt another attempt follows only ends its
   * remediation: the breaker counts a retry once, when its last attempt failed.
   */
  private async finish(
    row: ActionRow,
    a: DecidedAction,
    ok: boolean,
    kind: 'execution' | 'verification',
    detail: Record<string, unknown>,
    retrying = false,
  ): Promise<void> {
    const { guards, stores, clock, newId } = this.deps;
    await this.deps.journal.record(row, kind, detail);
    this.deps.journal.notify(row);
    if (PEOPLE_ACTIONS.has(a.spec.action)) return;
    const label = outcomeLabel(newId(), row, ok, clock.now());
    if (!retrying) return this.fixOutcome(a, ok, row.id, label);
    guards.release(a.pipeline_id, a.idempotency_key);
    await stores.outcomes.add(label);
  }

  /** A fix's outcome to the guards: success resolves the pipeline; a failure that opened the breaker goes to a human. */
  private async fixOutcome(
    a: DecidedAction,
    ok: boolean,
    actionId: string,
    label: OutcomeLabelRow | null = null,
  ): Promise<void> {
    const now = this.deps.clock.now();
    // Before any await: the pipelines acting meanwhile see the fleet-cap slot freed at once.
    const effect = this.deps.guards.recordOutcome(
      a.pipeline_id,
      ok ? 'success' : 'failure',
      now,
      a.idempotency_key,
    );
    if (label !== null) await this.deps.stores.outcomes.add(label);
    if (ok) {
      this.ladder.delete(a.pipeline_id);
      await this.deps.escalations.resolvePipeline(a.pipeline_id);
    }
    if (effect.escalation === 'escalate_to_human')
      await this.deps.escalations.toHuman(
        a.pipeline_id,
        `circuit breaker opened after failed fixes (last: ${a.spec.action})`,
        {
          action_id: actionId,
        },
      );
  }

  /** After a failed fix: the next rung that applies, tried now (guards permitting) and kept until taken. */
  private async climb(a: DecidedAction, known?: HealingContext): Promise<void> {
    const now = this.deps.clock.now();
    const ctx = known ?? (await this.context(a.pipeline_id, { ...a.trigger, at: now }, null, null));
    const next = escalation(a.spec.action, ctx);
    if (next === 'escalate_to_human') {
      await this.deps.escalations.toHuman(
        a.pipeline_id,
        `${a.spec.action} did not fix the pipeline and the ladder is exhausted`,
        {
          idempotency_key: a.idempotency_key,
        },
      );
      return;
    }
    const step = ladderStep(a, next, ctx, now);
    this.ladder.set(a.pipeline_id, step);
    await this.guardAndAct(step, ctx, true);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** What the audit of a failed attempt tells about the retry: the next attempt, or why none follows. */
function retryDetail(retry: AfterFailure | null): { retry?: Record<string, unknown> } {
  if (retry === null) return {};
  const { step } = retry;
  return step.retry ? { retry: { next: step.next.retry } } : { retry: { stopped: step.reason } };
}
