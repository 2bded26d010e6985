import type { LogLevel } from '../domain/index.js';
import {
  emitExecution,
  emitLog,
  emitMetric,
  emitStage,
  type EmissionBuffer,
  type Emission,
  type ExecTotals,
  type RunFacts,
  type StageTotals,
} from './emit.js';
import type { StageOutcome, Step } from './plan-run.js';
import { secs } from './text.js';

const CONTROL_ORDER = 1_000_000;
const ZERO_TOTALS: ExecTotals = {
  retries: 0,
  stageFailures: 0,
  stageErrors: [],
  error: null,
  dataMb: null,
  throughput: null,
  latencyMs: null,
  cpu: null,
  memory: null,
};

/**
 * One execution: its planned steps, released as simulated time reaches them. A pause holds the
 * remaining steps; a resume shifts them by the time spent paused; a stop cancels what is left.
 */
export class Run {
  status: 'running' | 'completed' | 'failed' | 'cancelled' = 'running';
  endedAt: number | null = null;
  private cursor = 0;
  private shiftMs = 0;
  private pausedAt: number | null = null;
  private readonly stageStartedAt = new Map<number, number>();
  private readonly finished: StageOutcome[] = [];
  private readonly finishedStage: number[] = [];
  private seq = 0;
  private controls = 0;

  constructor(
    readonly facts: RunFacts,
    readonly pipelineIndex: number,
    readonly ordinal: number,
    readonly startMs: number,
    private steps: readonly Step[],
  ) {}

  get id(): string {
    return this.facts.executionId;
  }

  get paused(): boolean {
    return this.pausedAt !== null;
  }

  /** When the run ends if nothing intervenes (Infinity while paused). */
  plannedEnd(): number {
    if (this.endedAt !== null) return this.endedAt;
    if (this.pausedAt !== null) return Infinity;
    return this.startMs + this.steps[this.steps.length - 1].at + this.shiftMs;
  }

  /** Releases every step due by `tMs`. */
  advanceTo(tMs: number, buf: EmissionBuffer): void {
    while (this.status === 'running' && this.pausedAt === null && this.cursor < this.steps.length) {
      const step = this.steps[this.cursor];
      const time = this.startMs + step.at + this.shiftMs;
      if (time > tMs) return;
      this.release(step, time, buf.open(time, this.pipelineIndex, this.ordinal, this.cursor), buf);
      this.cursor++;
    }
  }

  /** Holds the remaining steps from `now`. */
  pause(now: number, buf: EmissionBuffer): void {
    this.pausedAt = now;
    const em = this.control(now, buf);
    this.log(
      em,
      buf,
      now,
      null,
      'WARN',
      `Execution ${this.id} paused by operator request${this.stageNote()}`,
    );
    emitExecution(em, buf.outputs, this.facts, 'running', this.startMs, null, ZERO_TOTALS, true);
  }

  /** Releases the held steps, shifted by the time spent paused. */
  resume(now: number, buf: EmissionBuffer): void {
    const pausedFor = now - (this.pausedAt ?? now);
    this.shiftMs += pausedFor;
    this.pausedAt = null;
    const em = this.control(now, buf);
    this.log(em, buf, now, null, 'INFO', `Execution ${this.id} resumed after ${secs(pausedFor)} pause`);
    emitExecution(em, buf.outputs, this.facts, 'running', this.startMs, null, ZERO_TOTALS, false);
  }

  /** Cancels the run at `now`: stages in flight end as skipped, the execution as cancelled. */
  cancel(now: number, buf: EmissionBuffer): void {
    const em = this.control(now, buf);
    for (const [j, startedAt] of this.stageStartedAt) {
      if (this.finishedStage.includes(j)) continue;
      emitStage(em, buf.outputs, this.facts, j, startedAt, now, {
        status: 'skipped',
        error: 'Cancelled: execution stopped by operator',
        retries: 0,
        records: null,
        dataMb: null,
        throughput: null,
        latencyMs: null,
        cpu: null,
        memory: null,
      });
    }
    this.log(
      em,
      buf,
      now,
      null,
      'WARN',
      `Execution ${this.id} cancelled by operator request${this.stageNote()}`,
    );
    emitExecution(em, buf.outputs, this.facts, 'cancelled', this.startMs, now, {
      ...ZERO_TOTALS,
      retries: this.finished.reduce((s, o) => s + o.retries, 0),
      stageFailures: this.finished.filter((o) => o.status === 'failed').length,
      stageErrors: this.finished.filter((o) => o.status === 'failed').map((o) => o.error ?? 'unknown error'),
      error: 'Execution cancelled by operator request',
    });
    this.status = 'cancelled';
    this.endedAt = now;
    this.pausedAt = null;
    this.forget();
  }

  /** A finished run keeps only what the control API shows (the fleet remembers many of them). */
  private forget(): void {
    this.steps = [];
    this.cursor = 0;
    this.stageStartedAt.clear();
    this.finished.length = 0;
    this.finishedStage.length = 0;
  }

  private release(step: Step, time: number, em: Emission, buf: EmissionBuffer): void {
    const out = buf.outputs;
    const f = this.facts;
    switch (step.kind) {
      case 'exec_start':
        emitExecution(em, out, f, 'running', time, null, ZERO_TOTALS);
        return;
      case 'stage_start':
        this.stageStartedAt.set(step.stage, time);
        emitStage(em, out, f, step.stage, time, null, { ...RUNNING_STAGE });
        return;
      case 'sample': {
        const at = { spec: f.spec, executionId: f.executionId, stage: step.stage, labels: f.labels };
        emitMetric(em, out, at, time, 'cpu_percent', 'gauge', step.cpu, this.nextId());
        emitMetric(em, out, at, time, 'memory_percent', 'gauge', step.memory, this.nextId());
        return;
      }
      case 'log':
        this.log(em, buf, time, step.stage, step.level, step.message);
        return;
      case 'stage_end':
        this.stageEnd(em, buf, step.stage, time, step.outcome);
        return;
      case 'exec_end': {
        const o = step.outcome;
        emitExecution(em, out, f, o.status, this.startMs, time, {
          retries: o.retries,
          stageFailures: o.stageFailures,
          stageErrors: o.stageErrors,
          error: o.error,
          dataMb: o.dataMb,
          throughput: o.throughput,
          latencyMs: o.latencyMs,
          cpu: o.cpu,
          memory: o.memory,
        });
        this.status = o.status;
        this.endedAt = time;
        this.forget();
      }
    }
  }

  private stageEnd(em: Emission, buf: EmissionBuffer, j: number, time: number, o: StageOutcome): void {
    const startedAt = this.stageStartedAt.get(j) ?? null;
    const ran = o.status !== 'skipped';
    emitStage(em, buf.outputs, this.facts, j, startedAt, time, {
      status: o.status,
      error: o.error,
      retries: o.retries,
      records: ran ? o.records : null,
      dataMb: ran ? o.dataMb : null,
      throughput: ran ? o.throughput : null,
      latencyMs: ran ? o.latencyMs : null,
      cpu: o.cpu,
      memory: o.memory,
    });
    this.finished.push(o);
    this.finishedStage.push(j);
    if (!ran) return;
    const at = {
      spec: this.facts.spec,
      executionId: this.facts.executionId,
      stage: j,
      labels: this.facts.labels,
    };
    emitMetric(em, buf.outputs, at, time, 'throughput_per_minute', 'gauge', o.throughput, this.nextId());
    emitMetric(em, buf.outputs, at, time, 'latency_ms', 'histogram', o.latencyMs, this.nextId());
    emitMetric(em, buf.outputs, at, time, 'records_processed', 'counter', o.records, this.nextId());
    emitMetric(em, buf.outputs, at, time, 'data_volume_mb', 'gauge', o.dataMb, this.nextId());
  }

  private log(
    em: Emission,
    buf: EmissionBuffer,
    time: number,
    stage: number | null,
    level: LogLevel,
    message: string,
  ): void {
    const at = {
      spec: this.facts.spec,
      executionId: this.facts.executionId,
      stage,
      labels: this.facts.labels,
    };
    emitLog(
      em,
      buf.outputs,
      at,
      time,
      level,
      message,
      this.nextId(),
      stage === null ? 'flexiroaster-executor' : 'flexiroaster-worker',
    );
  }

  private control(now: number, buf: EmissionBuffer): Emission {
    return buf.open(now, this.pipelineIndex, this.ordinal, CONTROL_ORDER + this.controls++);
  }

  private stageNote(): string {
    const inFlight = [...this.stageStartedAt.keys()].filter((j) => !this.finishedStage.includes(j));
    return inFlight.length === 0 ? '' : ` during stage ${this.facts.spec.stages[inFlight[0]].name}`;
  }

  private nextId(): string {
    return `${this.facts.executionId}:${this.seq++}`;
  }
}

const RUNNING_STAGE: StageTotals = {
  status: 'running',
  error: null,
  retries: 0,
  records: null,
  dataMb: null,
  throughput: null,
  latencyMs: null,
  cpu: null,
  memory: null,
};
