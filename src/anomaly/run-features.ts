import {
  isFailedExecution,
  isTerminal,
  type ExecutionEvent,
  type LogEvent,
  type StageEvent,
  type TelemetryEvent,
} from '../domain/index.js';
import { TemplateMiner } from '../logs/index.js';
import type { AnomalyRecord } from './features.js';

const HOUR_MS = 3_600_000;
// A stage's typical duration is an EWMA of its log duration; this many runs before ratios count.
const STAGE_WARMUP = 5;
const STAGE_ALPHA = 0.1;
// Errors kept per open run: enough to count distinct signatures up to saturation and then some.
const MAX_ERRORS_PER_RUN = 32;
// WARN/ERROR lines the miner must have seen before a new template means something: at the start
// (or after a restart) every template is new.
const MINER_WARMUP_LINES = 500;

export interface RunFeatureOptions {
  /** Open runs whose stage errors are remembered; the oldest are dropped beyond it. @default 10000 */
  maxOpenRuns?: number;
  /** Failure times remembered per pipeline (the hour's count saturates there). @default 1000 */
  maxFailuresPerPipeline?: number;
}

interface OpenRun {
  errors: string[];
  maxStageRatio: number;
  /** WARN/ERROR lines seen after warm-up, and how many of them founded a template. */
  logLines: number;
  newTemplates: number;
}

interface StageNorm {
  n: number;
  logMean: number;
}

/**
 * Turns the event stream into one AnomalyRecord per finished execution: for a failed run, failures of
 * its pipeline in the hour before it (unknown for a run that succeeded), the error messages of its stages, and its slowest stage against that stage's
 * usual duration. Memory is bounded by the options, whatever the stream's length.
 */
export class RunFeatureTracker {
  private readonly failures = new Map<string, number[]>();
  private readonly runs = new Map<string, OpenRun>();
  private readonly stages = new Map<string, StageNorm>();
  private readonly miner = new TemplateMiner();
  private minedLines = 0;
  private readonly maxOpenRuns: number;
  private readonly maxFailures: number;

  constructor(options: RunFeatureOptions = {}) {
    this.maxOpenRuns = options.maxOpenRuns ?? 10_000;
    this.maxFailures = options.maxFailuresPerPipeline ?? 1000;
  }

  /** Takes one event; returns the finished run's record when it is a terminal execution state. */
  observe(event: TelemetryEvent): AnomalyRecord | null {
    if (event.kind === 'stage') this.onStage(event);
    else if (event.kind === 'log') this.onLog(event);
    else if (event.kind === 'execution' && isTerminal(event.status)) return this.onFinished(event);
    return null;
  }

  /** Failures of the pipeline in the hour before `t` (t itself excluded). */
  failuresBefore(pipelineId: string, t: number): number {
    const list = this.failures.get(pipelineId);
    if (list === undefined) return 0;
    let n = 0;
    for (const f of list) if (f < t && f >= t - HOUR_MS) n++;
    return n;
  }

  private onLog(e: LogEvent): void {
    if ((e.level !== 'WARN' && e.level !== 'ERROR') || e.execution_id === null) return;
    const mined = this.miner.add(e.message, e.event_time);
    if (++this.minedLines <= MINER_WARMUP_LINES) return;
    const run = this.openRun(`${e.pipeline_id}\u0000${e.execution_id}`);
    run.logLines++;
    if (mined.events.some((ev) => ev.type === 'template:new')) run.newTemplates++;
  }

  private onStage(e: StageEvent): void {
    if (!isTerminal(e.status)) return;
    const run = this.openRun(`${e.pipeline_id}\u0000${e.execution_id}`);
    if (e.error_message !== null && e.error_message !== '' && run.errors.length < MAX_ERRORS_PER_RUN) {
      run.errors.push(e.error_message);
    }
    if (e.status !== 'completed' || !(e.duration_seconds > 0)) return;
    const key = `${e.pipeline_id}\u0000${e.stage_name}`;
    const norm = this.stages.get(key) ?? { n: 0, logMean: 0 };
    const logD = Math.log(e.duration_seconds);
    if (norm.n >= STAGE_WARMUP)
      run.maxStageRatio = Math.max(run.maxStageRatio, Math.exp(logD - norm.logMean));
    // The plain mean until the EWMA's memory is reached: starting the EWMA at the first run would
    // weigh that one run for dozens more.
    norm.logMean += Math.max(STAGE_ALPHA, 1 / (norm.n + 1)) * (logD - norm.logMean);
    norm.n++;
    this.stages.set(key, norm);
  }

  private onFinished(e: ExecutionEvent): AnomalyRecord {
    // No key text to build when no run is open (no stage or log event seen for any run).
    let run: OpenRun | undefined;
    if (this.runs.size > 0) {
      const runKey = `${e.pipeline_id}\u0000${e.execution_id}`;
      run = this.runs.get(runKey);
      if (run !== undefined) this.runs.delete(runKey);
    }
    const t = e.event_time;
    const failed = isFailedExecution(e);
    const withMessage = e.error_message !== null && e.error_message !== '' && e.status === 'failed';
    // The run's messages: the event's own list itself when there is nothing to add (never modified).
    let errors: readonly string[] = e.stage_errors;
    if (withMessage || (run !== undefined && run.errors.length > 0)) {
      const all = [...e.stage_errors, ...(run?.errors ?? [])];
      if (withMessage) all.push(e.error_message as string);
      errors = all;
    }
    // Every field of an AnomalyRecord, in emptyRecord's order (one object, one shape for all runs).
    const record: AnomalyRecord = {
      pipeline_id: e.pipeline_id,
      execution_id: e.execution_id,
      time: t,
      duration_seconds: e.duration_seconds,
      data_volume_mb: e.data_volume_mb ?? NaN,
      // A run that succeeded is no evidence of a failure spike: judging it on the hour's failures
      // would keep flagging every healthy run for an hour after a burst has ended.
      failure_count_1h: failed ? this.failuresBefore(e.pipeline_id, t) : NaN,
      cpu_percent: e.cpu_percent ?? NaN,
      memory_percent: e.memory_percent ?? NaN,
      retry_count: e.retry_count,
      stage_errors: errors,
      // A failed run's records over the time until it stopped say nothing about its speed.
      throughput_per_minute: e.throughput_per_minute ?? NaN,
      latency_ms: e.latency_ms ?? NaN,
      stage_duration_ratio: run !== undefined && run.maxStageRatio > 0 ? run.maxStageRatio : NaN,
      new_template_rate: run !== undefined && run.logLines > 0 ? run.newTemplates / run.logLines : NaN,
    };
    if (failed) this.recordFailure(e.pipeline_id, t);
    return record;
  }

  private recordFailure(pipelineId: string, t: number): void {
    let list = this.failures.get(pipelineId);
    if (list === undefined) this.failures.set(pipelineId, (list = []));
    list.push(t);
    const latest = list.reduce((m, v) => Math.max(m, v), t);
    // Keep the last hour (by the newest time seen) and never more than the cap.
    let drop = 0;
    while (drop < list.length && list[drop] < latest - HOUR_MS) drop++;
    if (list.length - drop > this.maxFailures) drop = list.length - this.maxFailures;
    if (drop > 0) list.splice(0, drop);
  }

  private openRun(key: string): OpenRun {
    let run = this.runs.get(key);
    if (run === undefined) {
      run = { errors: [], maxStageRatio: 0, logLines: 0, newTemplates: 0 };
      this.runs.set(key, run);
      // Map order is insertion order: the first key is the oldest open run.
      if (this.runs.size > this.maxOpenRuns) this.runs.delete(this.runs.keys().next().value as string);
    }
    return run;
  }
}
