/**
 * The self-healing loop: on a tick and on new findings it builds each pipeline's HealingContext,
 * plans with the runbooks, passes every action through the Guards, executes through the executors,
 * verifies on the runs that follow, climbs the ladder or escalates, and records every step in the
 * audit log. Outcomes become training labels joined to what triggered them.
 */
import {
  escalation,
  planDecisions,
  verifyAction,
  type AnomalyContext,
  type DecidedAction,
  type Decision,
  type Guards,
  type HealingContext,
  type IncidentContext,
  type PredictionContext,
  type Runbook,
  type Trigger,
} from '../healing/index.js';
import type { PipelineSnapshot } from '../monitoring/index.js';
import type {
  ActionExecutor,
  ActionRow,
  ActionStatus,
  AnomalyRow,
  ApprovalRow,
  IncidentRow,
  PipelineCatalog,
} from '../ports/index.js';
import { toError, type Clock } from '../shared/index.js';
import { ApprovalFlow } from './healing-approval-flow.js';
import { anomalyPart, buildHealingContext, incidentPart } from './healing-context.js';
import { HealingEscalations } from './healing-escalations.js';
import { callExecutor, executorFor } from './healing-execution.js';
import { ActionJournal } from './healing-journal.js';
import { ladderStep } from './healing-ladder.js';
import { PipelineQueues } from './healing-queue.js';
import { actionRow, decisionInputs, outcomeLabel } from './healing-records.js';
import { RunTracker } from './healing-runs.js';
import { Verifications } from './healing-verifications.js';
import type { HealingStores } from './healing-stores.js';
import type { AcceptedEvent } from './ingest-service.js';

export interface HealingServiceOptions {
  /** How long verification watches the runs after an action. @default 30 min */
  verifyDeadlineMs?: number;
  /** A pipeline lease lapses after this long (a crashed process frees its pipelines). @default 5 min */
  leaseTtlMs?: number;
  /** Tick decisions within one bucket share a trigger id (one decision per bucket). @default 5 min */
  tickBucketMs?: number;
  /** Audit records older than this are pruned. @default 90 days */
  auditRetentionMs?: number;
}

export interface HealingServiceDeps {
  runbooks: readonly Runbook[];
  guards: Guards;
  executors: readonly ActionExecutor[];
  stores: HealingStores;
  catalog: PipelineCatalog;
  /** The live window's snapshot of a pipeline. */
  snapshot(pipelineId: string): PipelineSnapshot | undefined;
  /** Pipelines with live data (the tick evaluates each). */
  pipelines(): string[];
  clock: Clock;
  newId: () => string;
  /** This process, for pipeline leases. */
  owner: string;
  /** Told about each action's change of status (logs); a throwing listener is ignored. */
  onAction?(row: ActionRow): void;
  onError?(err: Error, what: string): void;
  options?: HealingServiceOptions;
}

type Job =
  | { kind: 'decide'; trigger: Trigger; anomaly: AnomalyContext | null; incident: IncidentContext | null }
  | { kind: 'verify' }
  | { kind: 'approved'; approval: ApprovalRow };

const MIN = 60_000;
/** Runs the orchestrator started just before our clock saw the call still count as after it. */
const CLOCK_SKEW_MS = 5000;
/** Actions that reach people: they neither count as fixes nor feed the breaker. */
const PEOPLE_ACTIONS: ReadonlySet<string> = new Set(['open_ticket', 'notify']);

/** The self-healing loop of one service process. */
export class HealingService {
  readonly runs = new RunTracker();
  // A newer decision replaces one not started yet; a verification is needed once.
  private readonly queues = new PipelineQueues<Job>(
    (pipelineId, job) =>
      this.safely(`healing: ${job.kind} for ${pipelineId}`, () => this.leased(pipelineId, job)),
    (queued, incoming) =>
      queued.kind === 'decide' && incoming.kind === 'decide' && incoming.trigger.kind !== 'tick',
    (queued, incoming) =>
      (queued.kind === 'verify' && incoming.kind === 'verify') ||
      (queued.kind === 'decide' && incoming.kind === 'decide' && incoming.trigger.kind === 'tick'),
  );
  private readonly verifying = new Verifications();
  /** The next rung of the ladder a failed fix left for a pipeline, tried before new decisions. */
  private readonly ladder = new Map<string, DecidedAction>();
  /** The latest failure prediction of each pipeline (runbooks read it with every decision). */
  private readonly predictions = new Map<string, PredictionContext>();
  private readonly abort = new AbortController();
  private readonly escalations: HealingEscalations;
  private readonly journal: ActionJournal;
  private readonly approvals: ApprovalFlow;
  private readonly verifyDeadlineMs: number;
  private readonly leaseTtlMs: number;
  private readonly tickBucketMs: number;
  private readonly auditRetentionMs: number;
  private lastPrune = -Infinity;

  constructor(private readonly deps: HealingServiceDeps) {
    const o = deps.options ?? {};
    this.verifyDeadlineMs = o.verifyDeadlineMs ?? 30 * MIN;
    this.leaseTtlMs = o.leaseTtlMs ?? 5 * MIN;
    this.tickBucketMs = o.tickBucketMs ?? 5 * MIN;
    this.auditRetentionMs = o.auditRetentionMs ?? 90 * 24 * 60 * MIN;
    this.escalations = new HealingEscalations(deps.stores, deps.clock, deps.newId);
    this.journal = new ActionJournal({ ...deps, audit: deps.stores.audit });
    this.approvals = new ApprovalFlow({
      ...deps,
      journal: this.journal,
      context: (pipelineId, trigger) => this.context(pipelineId, trigger, null, null),
      saveGuards: () => this.saveGuards(),
      execute: (row, a) => this.execute(row, a),
    });
  }

  /**
   * Resumes what a previous run of the process left: the guards' state, verifications, and actions
   * cut off mid-call. A pipeline the saved state has under remediation with no action left to verify
   * is released (its remediation ended while the process was down).
   */
  async start(): Promise<void> {
    const { actions, guardState } = this.deps.stores;
    const { guards } = this.deps;
    await this.escalations.start();
    const now = this.deps.clock.now();
    guards.restore(await guardState.load(), now);
    for (const row of await actions.withStatus(['executing', 'planned'])) {
      // The call may or may not have reached the orchestrator: a human must look.
      const after = await actions.transition(
        row.id,
        [row.status],
        {
          status: 'escalated',
          reason: 'the service stopped while this action was executing; outcome unknown',
        },
        now,
      );
      if (after !== null) await this.journal.record(after, 'execution', { interrupted: true });
    }
    this.verifying.resume(await actions.withStatus(['verifying']), this.verifyDeadlineMs);
    for (const pipelineId of guards.underRemediation(now)) this.endRemediation(pipelineId);
    await this.saveGuards();
  }

  /** Ingest listener: remembers runs; a finished run of a pipeline under verification is judged. */
  readonly onAccepted = (accepted: readonly AcceptedEvent[]): void => {
    const finished = new Set<string>();
    for (const { event } of accepted) {
      this.runs.observe(event);
      if (event.kind === 'execution' && (event.status === 'completed' || event.status === 'failed'))
        finished.add(event.pipeline_id);
    }
    for (const pipelineId of finished)
      if (this.verifying.has(pipelineId)) this.queues.enqueue(pipelineId, { kind: 'verify' });
  };

  /** New anomalies and incidents (as stored): each pipeline decides on its latest one. */
  onFindings(batch: { anomalies: readonly AnomalyRow[]; incidents: readonly IncidentRow[] }): void {
    const latest = new Map<string, AnomalyRow>();
    for (const a of batch.anomalies) latest.set(a.pipeline_id, a);
    const incidents = new Map<string, IncidentRow>();
    for (const i of batch.incidents) if (i.status === 'open') incidents.set(i.pipeline_id, i);
    const now = this.deps.clock.now();
    for (const [pipelineId, a] of latest) {
      const incident = incidents.get(pipelineId);
      this.queues.enqueue(pipelineId, {
        kind: 'decide',
        trigger: { kind: 'anomaly', id: a.id, at: now },
        anomaly: anomalyPart(a),
        incident: incident === undefined ? null : incidentPart(incident),
      });
    }
    for (const [pipelineId, i] of incidents) {
      if (latest.has(pipelineId) || i.anomaly_count > 1) continue;
      this.queues.enqueue(pipelineId, {
        kind: 'decide',
        trigger: { kind: 'incident', id: i.id, at: now },
        anomaly: null,
        incident: incidentPart(i),
      });
    }
  }

  /** A new prediction for a pipeline: it decides with the prediction as trigger. */
  onPrediction(pipelineId: string, prediction: PredictionContext): void {
    this.predictions.set(pipelineId, prediction);
    const now = this.deps.clock.now();
    this.queues.enqueue(pipelineId, {
      kind: 'decide',
      trigger: { kind: 'prediction', id: prediction.id, at: now },
      anomaly: null,
      incident: null,
    });
  }

  /** Periodic duties: expire approvals, verify, decide for every live pipeline, prune the audit. */
  async tick(): Promise<void> {
    const now = this.deps.clock.now();
    await this.safely('healing: expiring approvals', () => this.approvals.expire(now));
    const trigger: Trigger = { kind: 'tick', id: String(Math.floor(now / this.tickBucketMs)), at: now };
    const pipelines = new Set([...this.deps.pipelines(), ...this.verifying.pipelines()]);
    for (const pipelineId of pipelines) {
      if (this.verifying.has(pipelineId)) this.queues.enqueue(pipelineId, { kind: 'verify' });
      this.queues.enqueue(pipelineId, { kind: 'decide', trigger, anomaly: null, incident: null });
    }
    await this.safely('healing: guard state', () => this.saveGuards());
    await this.safely('healing: fleet incident', () =>
      this.escalations.settleFleet(
        this.deps.guards.underRemediation(now).length,
        this.deps.guards.config.fleetCap,
      ),
    );
    if (now - this.lastPrune >= 60 * MIN) {
      this.lastPrune = now;
      await this.safely('healing: audit retention', () =>
        this.deps.stores.audit.prune(now - this.auditRetentionMs),
      );
    }
    await this.flush();
  }

  /** Waits until every queued job has run. */
  async flush(): Promise<void> {
    await this.queues.flush();
  }

  /** Stops: cancels executor calls in flight, then waits for the queues. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.queues.close();
  }

  /** Runs the job for a human's approval (within the pipeline's turn); resolves when done. */
  async runApproved(approval: ApprovalRow): Promise<void> {
    this.queues.enqueue(approval.pipeline_id, { kind: 'approved', approval });
    await this.flush();
  }

  /** Pipelines with an action being verified. */
  verifyingCount(): number {
    return this.verifying.size;
  }

  // ---------------------------------------------------------------------------------------------
  // One pipeline at a time

  /** Runs a job holding the pipeline's lease, so one process acts for a pipeline at a time. */
  private async leased(pipelineId: string, job: Job): Promise<void> {
    const { leases } = this.deps.stores;
    if (!(await leases.acquire(pipelineId, this.deps.owner, this.deps.clock.now(), this.leaseTtlMs))) return;
    try {
      if (job.kind === 'verify') await this.verify(pipelineId);
      else if (job.kind === 'approved') await this.approvals.approved(job.approval);
      else await this.decide(pipelineId, job);
    } finally {
      try {
        await this.saveGuards();
      } finally {
        await leases.release(pipelineId, this.deps.owner);
      }
    }
  }

  /** Writes what changed in the guards' state (before any executor call, and after every job). */
  private async saveGuards(): Promise<void> {
    await this.deps.stores.guardState.save(this.deps.guards.changes(this.deps.clock.now()));
  }

  // ---------------------------------------------------------------------------------------------
  // Decide → guard → act

  private async context(
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
      runs: this.runs,
      anomaly,
      incident,
      prediction: this.predictions.get(pipelineId) ?? null,
    });
  }

  private async decide(pipelineId: string, job: Extract<Job, { kind: 'decide' }>): Promise<void> {
    const ctx = await this.context(pipelineId, job.trigger, job.anomaly, job.incident);
    const now = this.deps.clock.now();
    if (ctx.snapshot !== null)
      this.deps.guards.observeHealth(pipelineId, ctx.snapshot.health_status === 'healthy', now);
    const pending = this.ladder.get(pipelineId);
    if (pending !== undefined) {
      if (ctx.snapshot?.health_status === 'healthy') this.ladder.delete(pipelineId);
      else return this.guardAndAct(pending, ctx, true);
    }
    for (const d of planDecisions(this.enabledRunbooks(), ctx)) await this.carryOut(d, ctx);
  }

  private async carryOut(d: Decision, ctx: HealingContext): Promise<void> {
    for (const a of d.actions) await this.guardAndAct(a, ctx, false);
    if (d.escalate_to_human && d.actions.length === 0 && this.journal.firstDenial(d.key))
      await this.escalations.toHuman(d.pipeline_id, `${d.reason}; nothing on the ladder applies`, {
        decision: d.key,
        dropped: d.dropped,
        ...decisionInputs(ctx),
      });
  }

  /** One decided action through the guards; executes, plans dry, or asks for approval. */
  private async guardAndAct(a: DecidedAction, ctx: HealingContext, fromLadder: boolean): Promise<void> {
    const { guards, stores, clock, newId } = this.deps;
    const { journal } = this;
    const now = clock.now();
    const verdict = guards.evaluate(a, now);
    if (verdict.verdict === 'duplicate') {
      if (fromLadder) this.ladder.delete(a.pipeline_id);
      return;
    }
    const inputs = decisionInputs(ctx);
    if (verdict.verdict === 'denied') {
      if (journal.firstDenial(a.idempotency_key))
        await journal.decision(a, verdict, null, 'denied', inputs, now);
      if (verdict.escalation === 'escalate_incident')
        await this.escalations.fleetCapReached(a, guards.underRemediation(now), guards.config.fleetCap);
      else if (verdict.escalation === 'escalate_to_human')
        await this.escalations.toHuman(a.pipeline_id, `circuit breaker open: ${a.spec.action} not taken`, {
          idempotency_key: a.idempotency_key,
        });
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
    const claimed = await stores.actions.claim(actionRow(a, newId(), status, reason, now));
    if (!claimed.inserted) return; // decided before: by another process, or before a restart
    const row = claimed.row;
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

  private async execute(row: ActionRow, a: DecidedAction): Promise<void> {
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
      if (!PEOPLE_ACTIONS.has(a.spec.action)) this.endRemediation(a.pipeline_id);
      if (after !== null) {
        await this.journal.record(after, 'execution', {
          executors: this.deps.executors.map((e) => e.name),
        });
        this.journal.notify(after);
      }
      await this.escalations.toHuman(a.pipeline_id, why, { action_id: row.id });
      return;
    }
    const startedAt = clock.now();
    const known = this.runs.runIds(a.pipeline_id);
    const result = await callExecutor(executor, row, a, this.abort.signal);
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
      if (after !== null) await this.finish(after, a, false, 'execution', { result });
      await this.escalations.toHuman(a.pipeline_id, `${a.spec.action} could not be carried out: ${reason}`, {
        action_id: row.id,
      });
      return;
    }
    const executedAt = startedAt - CLOCK_SKEW_MS;
    const deadline = now + this.verifyDeadlineMs;
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
    await this.journal.record(after, 'execution', { result });
    this.journal.notify(after);
    this.verifying.watch({ row: after, decided: a, executedAt, deadline, known });
  }

  // ---------------------------------------------------------------------------------------------
  // Verify → label → ladder

  /** A fix ended with nothing to judge: the pipeline leaves remediation unless another fix is verifying. */
  private endRemediation(pipelineId: string): void {
    if (!this.verifying.has(pipelineId)) this.deps.guards.release(pipelineId);
  }

  private async verify(pipelineId: string): Promise<void> {
    const { stores, clock } = this.deps;
    const now = clock.now();
    const runsSince = this.runs.runsSince.bind(this.runs);
    for (const { v, result: r } of this.verifying.settle(pipelineId, runsSince, now)) {
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
      await this.finish(after, v.decided, ok, 'verification', { verification: r });
      if (!ok) await this.climb(v.decided);
    }
  }

  /**
   * Closes an action: audit, outcome to the guards (fixes only), training label. A fix that failed
   * and opened the breaker goes to a human.
   */
  private async finish(
    row: ActionRow,
    a: DecidedAction,
    ok: boolean,
    kind: 'execution' | 'verification',
    detail: Record<string, unknown>,
  ): Promise<void> {
    const { guards, stores, clock, newId } = this.deps;
    const now = clock.now();
    await this.journal.record(row, kind, detail);
    this.journal.notify(row);
    if (PEOPLE_ACTIONS.has(a.spec.action)) return;
    const effect = guards.recordOutcome(a.pipeline_id, ok ? 'success' : 'failure', now);
    await stores.outcomes.add(outcomeLabel(newId(), row, ok, now));
    if (ok) {
      this.ladder.delete(a.pipeline_id);
      await this.escalations.resolvePipeline(a.pipeline_id);
    }
    if (effect.escalation === 'escalate_to_human')
      await this.escalations.toHuman(
        a.pipeline_id,
        `circuit breaker opened after failed fixes (last: ${a.spec.action})`,
        {
          action_id: row.id,
        },
      );
  }

  /** After a failed fix: the next rung that applies, tried now (guards permitting) and kept until taken. */
  private async climb(a: DecidedAction): Promise<void> {
    const now = this.deps.clock.now();
    const ctx = await this.context(a.pipeline_id, { ...a.trigger, at: now }, null, null);
    const next = escalation(a.spec.action, ctx);
    if (next === 'escalate_to_human') {
      await this.escalations.toHuman(
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

  // ---------------------------------------------------------------------------------------------

  private enabledRunbooks(): Runbook[] {
    return this.deps.runbooks.filter((r) => this.isEnabled(r));
  }

  /** Overridable by the operator (see HealingAdmin); the file's `enabled` otherwise. */
  isEnabled(r: Runbook): boolean {
    return this.overrides.get(r.name) ?? r.enabled;
  }

  /** Operator overrides of runbooks' enabled flags (HealingAdmin keeps them and their persistence). */
  readonly overrides = new Map<string, boolean>();

  private async safely(what: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.deps.onError?.(toError(err), what);
    }
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
