import {
  SIGNATURES,
  analyzeRootCause,
  parseRootCauseRequest,
  type RootCauseRequest,
  type RootCauseResult,
  type SignatureCount,
  type VersionChange,
} from '../logs/index.js';
import type { PipelineSnapshot } from '../monitoring/index.js';
import type { PipelineVersion, RootCauseRow, RootCauseStore } from '../ports/index.js';
import { ValidationError, toError, type Clock } from '../shared/index.js';
import { ExecutionTrails, type Trail } from './execution-trail.js';
import type { AcceptedEvent, IngestListener } from './ingest-service.js';

const DAY_MS = 86_400_000;
/** Failures of the same stage counted back from the failure. */
const HISTORY_MS = 7 * DAY_MS;
/** Pipeline definition changes this close before a failure count as recent. */
const RECENT_CHANGE_MS = DAY_MS;

export interface RootCauseDeps {
  store: RootCauseStore;
  /** Every definition seen for a pipeline, newest first (the source catalog); absent without sources. */
  versions?: (pipelineId: string) => Promise<PipelineVersion[]>;
  snapshot: (pipelineId: string) => PipelineSnapshot | undefined;
  clock: Clock;
  /** How long after a failure its late lines are waited for before it is analysed. @default 5000 */
  settleMs?: number;
  onError?: (err: Error) => void;
}

type Obj = Record<string, unknown>;
const absent = (o: unknown, key: string): boolean =>
  typeof o !== 'object' || o === null || (o as Obj)[key] === undefined || (o as Obj)[key] === null;

/**
 * Root-cause analysis on request (the original body, filled in from the live snapshot, the stage's
 * history and the pipeline's recent version changes when it names a pipeline) and for every failed
 * execution online, stored with the execution.
 */
export class RootCauseService {
  private readonly trails: ExecutionTrails;

  constructor(private readonly deps: RootCauseDeps) {
    this.trails = new ExecutionTrails(deps.settleMs ?? 5000);
  }

  /** The ingest listener: follows executions and notes the failed ones. */
  readonly onAccepted: IngestListener = (accepted: readonly AcceptedEvent[]) => {
    const now = this.deps.clock.now();
    for (const { event, decision } of accepted) if (decision !== 'unchanged') this.trails.observe(event, now);
  };

  /** `POST /api/ai/root-cause/analyze`: a ValidationError names the first bad field. */
  async analyze(body: unknown): Promise<RootCauseResult & { pipeline_id: string | null }> {
    const req = parseRootCauseRequest(body);
    const o = body as Obj;
    const pipelineId = o.pipeline_id ?? null;
    if (pipelineId !== null && typeof pipelineId !== 'string')
      throw new ValidationError('pipeline_id', 'pipeline_id must be a string');
    if (pipelineId !== null) await this.fillIn(req, o, pipelineId);
    return { ...analyzeRootCause(req), pipeline_id: pipelineId };
  }

  /** The stored analysis of an execution; a failed one still settling is analysed now. */
  async get(executionId: string): Promise<RootCauseRow | null> {
    const trail = this.trails.take(executionId);
    if (trail !== undefined) await this.deps.store.save([await this.analyzeTrail(trail)]);
    return this.deps.store.get(executionId);
  }

  /** Analyses and stores the failed executions whose settle time has passed. */
  tick(): Promise<number> {
    return this.run(this.trails.takeDue(this.deps.clock.now()));
  }

  /** Analyses and stores every failed execution noted so far (shutdown, tests). */
  flush(): Promise<number> {
    return this.run(this.trails.takeDue(Infinity));
  }

  private async run(due: Trail[]): Promise<number> {
    if (due.length === 0) return 0;
    const rows: RootCauseRow[] = [];
    for (const t of due) {
      try {
        rows.push(await this.analyzeTrail(t));
      } catch (err) {
        this.deps.onError?.(toError(err));
      }
    }
    await this.deps.store.save(rows);
    return rows.length;
  }

  private async analyzeTrail(t: Trail): Promise<RootCauseRow> {
    const failed = t.failed!;
    const at = failed.event_time;
    const snap = this.snapshotAt(t.pipeline_id, at);
    const stages = [...t.stages].map(([name, status]) => ({ name, status }));
    const failing = stages.find((s) => s.status === 'failed')?.name;
    const req: RootCauseRequest = {
      stages,
      logs: t.lines,
      metrics: {
        cpu_percent: failed.cpu_percent ?? snap?.metrics.avg_cpu_percent ?? 0,
        memory_percent: failed.memory_percent ?? snap?.metrics.avg_memory_percent ?? 0,
        latency_spike: snap?.signals.latency_spike_detected ?? false,
      },
      history: {
        same_stage_failures_last_7d:
          failing === undefined ? 0 : await this.stageFailures(t.pipeline_id, failing, at, t.execution_id),
        recent_deployment: false,
      },
      signatures: [],
      version_changes: await this.versionChanges(t.pipeline_id, at),
    };
    return {
      execution_id: t.execution_id,
      pipeline_id: t.pipeline_id,
      failed_at: at,
      analyzed_at: this.deps.clock.now(),
      result: { ...analyzeRootCause(req) },
    };
  }

  /** The live snapshot when `at` is inside its window (a failure replayed from long ago is not). */
  private snapshotAt(pipelineId: string, at: number): PipelineSnapshot | undefined {
    const snap = this.deps.snapshot(pipelineId);
    const windowMs = (snap?.window_minutes ?? 0) * 60_000;
    return snap !== undefined && at >= this.deps.clock.now() - windowMs ? snap : undefined;
  }

  /** Fills what the body leaves out from the live snapshot, the store and the source catalog. */
  private async fillIn(req: RootCauseRequest, body: Obj, pipelineId: string): Promise<void> {
    const now = this.deps.clock.now();
    const snap = this.deps.snapshot(pipelineId);
    if (snap !== undefined) {
      if (absent(body.metrics, 'cpu_percent')) req.metrics.cpu_percent = snap.metrics.avg_cpu_percent;
      if (absent(body.metrics, 'memory_percent'))
        req.metrics.memory_percent = snap.metrics.avg_memory_percent;
      if (absent(body.metrics, 'latency_spike'))
        req.metrics.latency_spike = snap.signals.latency_spike_detected;
      if (absent(body, 'signatures')) req.signatures = signaturesOf(snap);
    }
    const failing = req.stages.find((s) => s.status?.toLowerCase() === 'failed')?.name;
    if (failing !== undefined && absent(body.history, 'same_stage_failures_last_7d'))
      req.history.same_stage_failures_last_7d = await this.stageFailures(pipelineId, failing, now, null);
    if (absent(body, 'version_changes')) req.version_changes = await this.versionChanges(pipelineId, now);
  }

  private stageFailures(pipelineId: string, stageName: string, at: number, exclude: string | null) {
    return this.deps.store.countStageFailures({
      pipelineId,
      stageName,
      sinceMs: at - HISTORY_MS,
      untilMs: at,
      excludeExecutionId: exclude,
    });
  }

  /** Definitions first seen in the day before `at`, other than the first one the service saw. */
  private async versionChanges(pipelineId: string, at: number): Promise<VersionChange[]> {
    if (this.deps.versions === undefined) return [];
    const versions = await this.deps.versions(pipelineId);
    return versions
      .slice(0, -1)
      .filter((v) => v.first_seen_at <= at && v.first_seen_at >= at - RECENT_CHANGE_MS)
      .map((v) => ({
        version: String(v.version),
        changed_at: new Date(v.first_seen_at).toISOString(),
        summary: 'pipeline definition changed',
      }));
  }
}

/** The snapshot's dominant error patterns as signature counts with their template. */
function signaturesOf(snap: PipelineSnapshot): SignatureCount[] {
  const out: SignatureCount[] = [];
  for (const p of snap.signals.dominant_error_patterns) {
    const signature = SIGNATURES.find((s) => s === p.signature);
    if (signature === undefined || signature === 'unknown') continue;
    out.push({ signature, count: p.count, template: p.pattern });
  }
  return out;
}
