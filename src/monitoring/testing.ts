/**
 * Event factories for tests (not part of the public face): each builds a TelemetryEvent with neutral
 * defaults, so a test states only the fields it is about.
 */
import {
  eventKeys,
  type ExecutionEvent,
  type LogEvent,
  type MetricEvent,
  type StageEvent,
} from '../domain/index.js';

/** The FakeClock's default start; the default event time. */
export const T0 = Date.UTC(2026, 0, 1);
/** One minute in ms. */
export const MIN = 60_000;

let freshIds = 0;
const freshKey = (): string => eventKeys.fresh(`test-${++freshIds}`);

/** An execution record; keyed by execution_id, or a new key each call when it has none (a flat record without ids). */
export function execution(over: Partial<ExecutionEvent> = {}): ExecutionEvent {
  const pipelineId = over.pipeline_id ?? 'p1';
  const executionId = over.execution_id ?? null;
  const eventTime = over.event_time ?? T0;
  return {
    kind: 'execution',
    key: executionId === null ? freshKey() : eventKeys.execution(pipelineId, executionId),
    pipeline_id: pipelineId,
    execution_id: executionId,
    event_time: eventTime,
    received_at: eventTime,
    status: 'completed',
    started_at: null,
    completed_at: null,
    duration_seconds: 0,
    retry_count: 0,
    stage_failures: 0,
    data_volume_mb: null,
    throughput_per_minute: null,
    latency_ms: null,
    cpu_percent: null,
    memory_percent: null,
    trigger_type: null,
    error_message: null,
    stage_errors: [],
    ...over,
  };
}

/** A stage run, keyed by pipeline, execution and stage id. */
export function stage(over: Partial<StageEvent> = {}): StageEvent {
  const pipelineId = over.pipeline_id ?? 'p1';
  const executionId = over.execution_id ?? 'x1';
  const stageId = over.stage_id ?? over.stage_name ?? 'extract';
  const eventTime = over.event_time ?? T0;
  return {
    kind: 'stage',
    key: eventKeys.stage(pipelineId, executionId, stageId),
    pipeline_id: pipelineId,
    execution_id: executionId,
    stage_id: stageId,
    stage_name: stageId,
    event_time: eventTime,
    received_at: eventTime,
    status: 'completed',
    started_at: null,
    completed_at: null,
    duration_seconds: 0,
    retry_count: 0,
    is_critical: true,
    error_message: null,
    ...over,
  };
}

/** A log line, keyed by its content like the decoder does. */
export function log(over: Partial<LogEvent> = {}): LogEvent {
  const base = {
    pipeline_id: over.pipeline_id ?? 'p1',
    event_time: over.event_time ?? T0,
    level: over.level ?? 'ERROR',
    message: over.message ?? 'something failed',
  };
  return {
    kind: 'log',
    key: eventKeys.content('log', `${base.pipeline_id}|${base.event_time}|${base.level}|${base.message}`),
    execution_id: null,
    stage_id: null,
    received_at: base.event_time,
    ...base,
    ...over,
  };
}

/** A metric sample, keyed by its content like the decoder does. */
export function metric(over: Partial<MetricEvent> & Pick<MetricEvent, 'name' | 'value'>): MetricEvent {
  const pipelineId = over.pipeline_id ?? 'p1';
  const eventTime = over.event_time ?? T0;
  return {
    kind: 'metric',
    key: eventKeys.content('metric', `${pipelineId}|${eventTime}|${over.name}|${over.value}`),
    pipeline_id: pipelineId,
    execution_id: null,
    stage_id: null,
    event_time: eventTime,
    received_at: eventTime,
    ...over,
  };
}
