/**
 * The self-healing loop of a process: it turns ticks, new findings, predictions, finished runs and
 * approvals into jobs, runs each pipeline's jobs one after another under the pipeline's lease, and
 * resumes at start what a previous run left. Acting itself is Remediation's (healing-remediation.ts);
 * every step goes to the audit log, and outcomes become training labels joined to their trigger.
 */
import type { Guards, PredictionContext, Runbook, Trigger } from '../healing/index.js';
import type { PipelineSnapshot } from '../monitoring/index.js';
import type {
  ActionExecutor,
  ActionRow,
  AnomalyRow,
  ApprovalRow,
  IncidentRow,
  PipelineCatalog,
} from '../ports/index.js';
import { SeededRng, toError, type Clock } from '../shared/index.js';
import { ApprovalFlow } from './healing-approval-flow.js';
import { anomalyPart, incidentPart } from './healing-context.js';
import { HealingEscalations } from './healing-escalations.js';
import { ActionJournal } from './healing-journal.js';
import { PipelineQueues } from './healing-queue.js';
import { Remediation, type DecideJob } from './healing-remediation.js';
import { RetrySchedule } from './healing-retries.js';
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
  /** Uniform numbers in [0, 1) for retry backoff jitter. @default a SeededRng seeded with the clock */
  random?: () => number;
  /** Told about each action's change of status (logs); a throwing listener is ignored. */
  onAction?(row: ActionRow): void;
  onError?(err: Error, what: string): void;
  options?: HealingServiceOptions;
}

type Job =
  | ({ kind: 'decide' } & DecideJob)
  | { kind: 'verify' }
  | { kind: 'retry' }
  | { kind: 'approved'; approval: ApprovalRow };

const MIN = 60_000;

/** The self-healing loop of one service process. */
export class HealingService {
  readonly runs = new RunTracker();
  // A newer decision replaces one not started yet; a verification (or a look at due retries) is needed once.
  private readonly queues = new PipelineQueues<Job>(
    (pipelineId, job) =>
      this.safely(`healing: ${job.kind} for ${pipelineId}`, () => this.leased(pipelineId, job)),
    (queued, incoming) =>
      queued.kind === 'decide' && incoming.kind === 'decide' && incoming.trigger.kind !== 'tick',
    (queued, incoming) =>
      (queued.kind === 'verify' && incoming.kind === 'verify') ||
      (queued.kind === 'retry' && incoming.kind === 'retry') ||
      (queued.kind === 'decide' && incoming.kind === 'decide' && incoming.trigger.kind === 'tick'),
  );
  private readonly verifying = new Verifications();
  private readonly retries = new RetrySchedule();
  private readonly remediation: Remediation;
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
    const remediation = new Remediation({
      ...deps,
      enabledRunbooks: () => this.enabledRunbooks(),
      runs: this.runs,
      verifying: this.verifying,
      retries: this.retries,
      random: deps.random ?? rngFrom(deps.clock.now()),
      journal: this.journal,
      escalations: this.escalations,
      verifyDeadlineMs: this.verifyDeadlineMs,
      signal: this.abort.signal,
    });
    this.remediation = remediation;
    this.approvals = new ApprovalFlow({
      ...deps,
      journal: this.journal,
      context: (pipelineId, trigger) => remediation.context(pipelineId, trigger, null, null),
      saveGuards: () => remediation.saveGuards(),
      execute: (row, a) => remediation.execute(row, a),
    });
  }

  /**
   * Resumes what a previous run of the process left: the guards' state, verifications, retry
   * attempts waiting out their backoff, and actions cut off mid-call. A fix the saved state has
   * under remediation that is not left to verify is released (its remediation ended while the
   * process was down).
   */
  async start(): Promise<void> {
    const { actions, guardState } = this.deps.stores;
    const { guards } = this.deps;
    await this.escalations.start();
    const now = this.deps.clock.now();
    guards.restore(await guardState.load(), now);
    // Retry attempts waiting out their backoff wait again; any other planned row was cut off.
    const otherPlanned = this.retries.resume(await actions.withStatus(['planned']));
    for (const row of [...(await actions.withStatus(['executing'])), ...otherPlanned]) {
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
    guards.retainRemediation(this.verifying.keys());
    await this.remediation.saveGuards();
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
    this.remediation.setPrediction(pipelineId, prediction);
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
    for (const pipelineId of this.retries.duePipelines(now))
      this.queues.enqueue(pipelineId, { kind: 'retry' });
    for (const pipelineId of pipelines) {
      if (this.verifying.has(pipelineId)) this.queues.enqueue(pipelineId, { kind: 'verify' });
      this.queues.enqueue(pipelineId, { kind: 'decide', trigger, anomaly: null, incident: null });
    }
    await this.safely('healing: guard state', () => this.remediation.saveGuards());
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

  /** retry_stage attempts waiting out their backoff. */
  pendingRetries(): number {
    return this.retries.size;
  }

  // ---------------------------------------------------------------------------------------------
  // One pipeline at a time

  /** Runs a job holding the pipeline's lease, so one process acts for a pipeline at a time. */
  private async leased(pipelineId: string, job: Job): Promise<void> {
    const { leases } = this.deps.stores;
    if (!(await leases.acquire(pipelineId, this.deps.owner, this.deps.clock.now(), this.leaseTtlMs))) return;
    try {
      await this.remediation.loadGuards(pipelineId);
      if (job.kind === 'verify') await this.remediation.verify(pipelineId);
      else if (job.kind === 'retry') await this.remediation.retryDue(pipelineId);
      else if (job.kind === 'approved') await this.approvals.approved(job.approval);
      else await this.remediation.decide(pipelineId, job);
    } finally {
      try {
        await this.remediation.saveGuards();
      } finally {
        await leases.release(pipelineId, this.deps.owner);
      }
    }
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

/** A seeded source of uniform numbers in [0, 1). */
function rngFrom(seed: number): () => number {
  const rng = new SeededRng(seed);
  return () => rng.next();
}
