import {
  eventKeys,
  type ExecutionEvent,
  type ExecutionStatus,
  type FaultLabels,
  type LogLevel,
  type StageEvent,
  type StageStatus,
  type TelemetryEvent,
  type TriggerType,
} from '../domain/index.js';
import type { PipelineSpec } from './fleet-spec.js';
import { stableUuid } from './ids.js';
import { addRow, emptyRows, type FlexiRoasterRows, type MetricType, type RowChange } from './rows.js';

/** Which output forms to build. */
export interface Outputs {
  events: boolean;
  rows: boolean;
}

/** What one moment of the simulation produced; the sort key makes output order independent of chunking. */
export interface Emission {
  t: number;
  /** Pipeline index, run ordinal (-1 for pipeline-level changes), step index. */
  p: number;
  r: number;
  s: number;
  events: TelemetryEvent[];
  rows: RowChange[];
}

/** The fixed facts of one run that every event and row of it repeats. */
export interface RunFacts {
  spec: PipelineSpec;
  executionId: string;
  trigger: TriggerType;
  labels: FaultLabels;
  definitionVersion: number;
  critical: readonly boolean[];
}

/** The run's aggregates as they go into the execution record (all null while it runs). */
export interface ExecTotals {
  retries: number;
  stageFailures: number;
  stageErrors: string[];
  error: string | null;
  dataMb: number | null;
  throughput: number | null;
  latencyMs: number | null;
  cpu: number | null;
  memory: number | null;
}

/** Per-stage numbers as they go into the stage record. */
export interface StageTotals {
  status: StageStatus;
  error: string | null;
  retries: number;
  records: number | null;
  dataMb: number | null;
  throughput: number | null;
  latencyMs: number | null;
  cpu: number | null;
  memory: number | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const r2 = (x: number | null): number | null => (x === null ? null : Math.round(x * 100) / 100);

/** Collects emissions and hands them out in time order. */
export class EmissionBuffer {
  private items: Emission[] = [];

  constructor(readonly outputs: Outputs) {}

  /** A new emission at time `t` with the given order key. */
  open(t: number, p: number, r: number, s: number): Emission {
    const e: Emission = { t, p, r, s, events: [], rows: [] };
    this.items.push(e);
    return e;
  }

  /** Everything collected so far, sorted, then forgotten. */
  drain(): { events: TelemetryEvent[]; rows: FlexiRoasterRows } {
    const items = this.items.sort((a, b) => a.t - b.t || a.p - b.p || a.r - b.r || a.s - b.s);
    this.items = [];
    const events: TelemetryEvent[] = [];
    const rows = emptyRows();
    for (const item of items) {
      for (const e of item.events) events.push(e);
      for (const c of item.rows) addRow(rows, c);
    }
    return { events, rows };
  }
}

/** Emits an execution's state (running, or terminal with its totals). */
export function emitExecution(
  em: Emission,
  out: Outputs,
  f: RunFacts,
  status: ExecutionStatus,
  startedAt: number,
  completedAt: number | null,
  totals: ExecTotals,
  paused = false,
): void {
  const durationS = completedAt === null ? 0 : (completedAt - startedAt) / 1000;
  if (out.events) {
    const event: ExecutionEvent = {
      kind: 'execution',
      key: eventKeys.execution(f.spec.id, f.executionId),
      pipeline_id: f.spec.id,
      event_time: completedAt ?? startedAt,
      received_at: completedAt ?? startedAt,
      labels: f.labels,
      execution_id: f.executionId,
      status,
      started_at: startedAt,
      completed_at: completedAt,
      duration_seconds: Math.round(durationS * 1000) / 1000,
      retry_count: totals.retries,
      stage_failures: totals.stageFailures,
      data_volume_mb: r2(totals.dataMb),
      throughput_per_minute: r2(totals.throughput),
      latency_ms: r2(totals.latencyMs),
      cpu_percent: r2(totals.cpu),
      memory_percent: r2(totals.memory),
      trigger_type: f.trigger,
      error_message: totals.error,
      stage_errors: totals.stageErrors,
    };
    em.events.push(event);
  }
  if (out.rows)
    em.rows.push({
      table: 'executions',
      row: {
        id: f.executionId,
        pipeline_id: f.spec.id,
        status,
        started_at: iso(startedAt),
        completed_at: completedAt === null ? null : iso(completedAt),
        duration_seconds: completedAt === null ? null : Math.round(durationS),
        triggered_by: null,
        trigger_type: f.trigger,
        error_message: totals.error,
        context: {
          definition_version: f.definitionVersion,
          paused,
          retry_count: totals.retries,
          stage_failures: totals.stageFailures,
          stage_errors: totals.stageErrors,
          data_volume_mb: r2(totals.dataMb),
          throughput_per_minute: r2(totals.throughput),
          latency_ms: r2(totals.latencyMs),
          cpu_percent: r2(totals.cpu),
          memory_percent: r2(totals.memory),
          labels: f.labels,
        },
        created_at: iso(startedAt),
      },
    });
}

/** Emits a stage's state (running, or terminal with its numbers). */
export function emitStage(
  em: Emission,
  out: Outputs,
  f: RunFacts,
  j: number,
  startedAt: number | null,
  completedAt: number | null,
  totals: StageTotals,
): void {
  const stage = f.spec.stages[j];
  const durationS = startedAt === null || completedAt === null ? 0 : (completedAt - startedAt) / 1000;
  if (out.events) {
    const event: StageEvent = {
      kind: 'stage',
      key: eventKeys.stage(f.spec.id, f.executionId, stage.id),
      pipeline_id: f.spec.id,
      event_time: completedAt ?? startedAt ?? 0,
      received_at: completedAt ?? startedAt ?? 0,
      labels: f.labels,
      execution_id: f.executionId,
      stage_id: stage.id,
      stage_name: stage.name,
      status: totals.status,
      started_at: startedAt,
      completed_at: completedAt,
      duration_seconds: Math.round(durationS * 1000) / 1000,
      retry_count: totals.retries,
      is_critical: f.critical[j],
      error_message: totals.error,
    };
    em.events.push(event);
  }
  if (out.rows)
    em.rows.push({
      table: 'execution_stages',
      row: {
        id: stableUuid(`${f.executionId}:${stage.id}`),
        execution_id: f.executionId,
        stage_id: stage.id,
        status: totals.status,
        started_at: startedAt === null ? null : iso(startedAt),
        completed_at: completedAt === null ? null : iso(completedAt),
        duration_seconds: completedAt === null ? null : Math.round(durationS),
        output: {
          stage_name: stage.name,
          is_critical: f.critical[j],
          records: totals.records,
          data_volume_mb: r2(totals.dataMb),
          throughput_per_minute: r2(totals.throughput),
          latency_ms: r2(totals.latencyMs),
          cpu_percent: r2(totals.cpu),
          memory_percent: r2(totals.memory),
          labels: f.labels,
        },
        error_message: totals.error,
        retry_count: totals.retries,
      },
    });
}

/** Where a log line or metric belongs. */
export interface Place {
  spec: PipelineSpec;
  executionId: string | null;
  stage: number | null;
  labels: FaultLabels;
}

/** Emits a log line; `eventId` makes replays of it idempotent. */
export function emitLog(
  em: Emission,
  out: Outputs,
  at: Place,
  time: number,
  level: LogLevel,
  message: string,
  eventId: string,
  service: string,
): void {
  const stage = at.stage === null ? null : at.spec.stages[at.stage];
  if (out.events)
    em.events.push({
      kind: 'log',
      key: eventKeys.byEventId(eventId),
      pipeline_id: at.spec.id,
      event_time: time,
      received_at: time,
      labels: at.labels,
      execution_id: at.executionId,
      stage_id: stage?.id ?? null,
      level,
      message,
    });
  if (out.rows)
    em.rows.push({
      table: 'logs',
      row: {
        level,
        service,
        pipeline_id: at.spec.id,
        execution_id: at.executionId,
        stage_id: stage?.id ?? null,
        message,
        metadata:
          stage === null
            ? { event_id: eventId, labels: at.labels }
            : { event_id: eventId, stage_name: stage.name, labels: at.labels },
        created_at: iso(time),
      },
    });
}

/** Emits one metric sample. */
export function emitMetric(
  em: Emission,
  out: Outputs,
  at: Place,
  time: number,
  name: string,
  type: MetricType,
  value: number,
  eventId: string,
): void {
  const stage = at.stage === null ? null : at.spec.stages[at.stage];
  const v = r2(value) ?? 0;
  if (out.events)
    em.events.push({
      kind: 'metric',
      key: eventKeys.byEventId(eventId),
      pipeline_id: at.spec.id,
      event_time: time,
      received_at: time,
      labels: at.labels,
      execution_id: at.executionId,
      stage_id: stage?.id ?? null,
      name,
      value: v,
    });
  if (out.rows)
    em.rows.push({
      table: 'metrics',
      row: {
        metric_name: name,
        metric_type: type,
        value: v,
        tags: {
          pipeline_id: at.spec.id,
          execution_id: at.executionId,
          stage_id: stage?.id ?? null,
          stage_name: stage?.name ?? null,
          event_id: eventId,
          labels: at.labels,
        },
        created_at: iso(time),
      },
    });
}

/** The event id an emitted log or metric event carries on the wire (null for executions and stages). */
export function eventIdOf(e: TelemetryEvent): string | undefined {
  return e.key.startsWith('e:') ? e.key.slice(2) : undefined;
}
