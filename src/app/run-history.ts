import { isFailedExecution, isTerminal, type ExecutionEvent, type TelemetryEvent } from '../domain/index.js';
import { classifyError } from '../logs/index.js';
import type { PastRun, PastStage } from '../prediction/index.js';

export interface RunHistoryOptions {
  /** Finished runs older than this (by completion, against the newest seen) are forgotten. @default 8 days */
  keepMs?: number;
  /** Most finished runs kept per pipeline. @default 5000 */
  maxRunsPerPipeline?: number;
  /** Most unfinished runs whose stages and errors are remembered. @default 10000 */
  maxOpenRuns?: number;
}

interface OpenRun {
  stages: Map<string, PastStage>;
  errors: string[];
  errorLines: number;
}

// Error lines kept per open run for signatures: enough to see the distinct ones.
const MAX_ERRORS_PER_RUN = 32;
const DAY_MS = 86_400_000;

/** The error signature of a line: its taxonomy class, or the line itself (trimmed) when unknown. */
function signatureOf(message: string): string {
  const match = classifyError(message);
  return match.signature === 'unknown' ? `other:${message.toLowerCase().slice(0, 80)}` : match.signature;
}

/**
 * Every pipeline's finished runs, built from the event stream (the store's scan at start, then the
 * ingest listener): outcome, times, resources, retries, error lines and signatures, stage results.
 * What the prediction features are computed from, as of any time.
 */
export class RunHistory {
  private readonly runs = new Map<string, PastRun[]>();
  private readonly open = new Map<string, OpenRun>();
  private readonly keepMs: number;
  private readonly maxRuns: number;
  private readonly maxOpen: number;

  constructor(options: RunHistoryOptions = {}) {
    this.keepMs = options.keepMs ?? 8 * DAY_MS;
    this.maxRuns = options.maxRunsPerPipeline ?? 5000;
    this.maxOpen = options.maxOpenRuns ?? 10_000;
  }

  /** Takes one event; returns the finished run when it completes one (cancelled runs are not outcomes). */
  observe(e: TelemetryEvent): PastRun | null {
    if (e.kind === 'stage') {
      if (!isTerminal(e.status)) return null;
      const run = this.openRun(e.pipeline_id, e.execution_id);
      run.stages.set(e.stage_name, {
        name: e.stage_name,
        failed: e.status === 'failed',
        retry_count: e.retry_count,
      });
      if (e.error_message) this.addError(run, e.error_message);
      return null;
    }
    if (e.kind === 'log') {
      if (e.level === 'ERROR' && e.execution_id !== null)
        this.addError(this.openRun(e.pipeline_id, e.execution_id), e.message);
      return null;
    }
    if (e.kind !== 'execution' || e.execution_id === null || !isTerminal(e.status)) return null;
    const key = runKey(e.pipeline_id, e.execution_id);
    const open = this.open.get(key);
    this.open.delete(key);
    if (e.status === 'cancelled') return null;
    const run = pastRun(e, open);
    this.add(e.pipeline_id, run);
    return run;
  }

  /** The pipeline's finished runs in completion order (do not change the list). */
  of(pipelineId: string): readonly PastRun[] {
    return this.runs.get(pipelineId) ?? [];
  }

  /** Pipelines with at least one finished run. */
  pipelines(): string[] {
    return [...this.runs.keys()];
  }

  private add(pipelineId: string, run: PastRun): void {
    let list = this.runs.get(pipelineId);
    if (list === undefined) this.runs.set(pipelineId, (list = []));
    // The same execution finishing twice (a replayed state) replaces the earlier record.
    const same = list.findIndex((r) => r.execution_id === run.execution_id);
    if (same >= 0) list.splice(same, 1);
    let at = list.length;
    while (at > 0 && list[at - 1].completed_at > run.completed_at) at--;
    list.splice(at, 0, run);
    const newest = list[list.length - 1].completed_at;
    let drop = 0;
    while (drop < list.length && list[drop].completed_at < newest - this.keepMs) drop++;
    drop = Math.max(drop, list.length - this.maxRuns);
    if (drop > 0) list.splice(0, drop);
  }

  private addError(run: OpenRun, message: string): void {
    run.errorLines++;
    if (run.errors.length < MAX_ERRORS_PER_RUN) run.errors.push(message);
  }

  private openRun(pipelineId: string, executionId: string): OpenRun {
    const key = runKey(pipelineId, executionId);
    let run = this.open.get(key);
    if (run === undefined) {
      run = { stages: new Map(), errors: [], errorLines: 0 };
      this.open.set(key, run);
      if (this.open.size > this.maxOpen) this.open.delete(this.open.keys().next().value as string);
    }
    return run;
  }
}

function runKey(pipelineId: string, executionId: string): string {
  return `${pipelineId}\u0000${executionId}`;
}

function pastRun(e: ExecutionEvent, open: OpenRun | undefined): PastRun {
  const completedAt = e.completed_at ?? e.event_time;
  const startedAt = e.started_at ?? completedAt - e.duration_seconds * 1000;
  const lines = [...e.stage_errors, ...(open?.errors ?? [])];
  if (e.error_message) lines.push(e.error_message);
  const signatures = new Set(lines.filter((l) => l.trim() !== '').map((l) => signatureOf(l.trim())));
  return {
    execution_id: e.execution_id as string,
    started_at: startedAt,
    completed_at: completedAt,
    failed: isFailedExecution(e),
    duration_seconds: e.duration_seconds,
    retry_count: e.retry_count,
    cpu_percent: e.cpu_percent ?? NaN,
    memory_percent: e.memory_percent ?? NaN,
    error_count: e.stage_errors.length + (open?.errorLines ?? 0) + (e.error_message ? 1 : 0),
    signatures: [...signatures],
    stages: open === undefined ? [] : [...open.stages.values()],
    trigger_type: e.trigger_type,
  };
}
