import {
  EXECUTION_STATUSES,
  LOG_LEVELS,
  STAGE_STATUSES,
  TRIGGER_TYPES,
  eventKeys,
  type ExecutionEvent,
  type FaultLabels,
  type LogEvent,
  type MetricEvent,
  type StageEvent,
} from '../../domain/index.js';
import { ValidationError } from '../../shared/index.js';
import type { StageMeta } from './metadata.js';
import { bagNumber, col, toNumber, type Row } from './values.js';

/** What the row decoders need from outside: receive time, stage metadata, the source's key prefix. */
export interface RowContext {
  receivedAt: number;
  /** Metadata of a `pipeline_stages` row by id (from the cache the consumer keeps). */
  stage(stageId: string): StageMeta | undefined;
  /** Distinguishes row ids of this source in event keys, e.g. `flexiroaster:public`. */
  keyPrefix: string;
}

/** Decodes an `executions` row; the run's aggregates come from `context` when the orchestrator put them there. */
export function decodeExecutionRow(row: Row, ctx: RowContext): ExecutionEvent {
  const pipelineId = col.id(row, 'pipeline_id');
  const executionId = col.id(row, 'id');
  const status = col.oneOf(row, 'status', EXECUTION_STATUSES);
  if (status === null) throw new ValidationError('status', 'status is null');
  const context = col.object(row, 'context');
  const startedAt = col.time(row, 'started_at');
  const completedAt = col.time(row, 'completed_at');
  const event: ExecutionEvent = {
    kind: 'execution',
    key: eventKeys.execution(pipelineId, executionId),
    pipeline_id: pipelineId,
    execution_id: executionId,
    event_time: completedAt ?? startedAt ?? col.time(row, 'created_at') ?? ctx.receivedAt,
    received_at: ctx.receivedAt,
    status,
    started_at: startedAt,
    completed_at: completedAt,
    duration_seconds: duration(row, startedAt, completedAt),
    retry_count: bagNumber(context, 'retry_count', 'context') ?? 0,
    stage_failures: bagNumber(context, 'stage_failures', 'context') ?? 0,
    data_volume_mb: bagNumber(context, 'data_volume_mb', 'context'),
    throughput_per_minute: bagNumber(context, 'throughput_per_minute', 'context'),
    latency_ms: bagNumber(context, 'latency_ms', 'context'),
    cpu_percent: bagNumber(context, 'cpu_percent', 'context'),
    memory_percent: bagNumber(context, 'memory_percent', 'context'),
    trigger_type: col.oneOf(row, 'trigger_type', TRIGGER_TYPES),
    error_message: col.text(row, 'error_message'),
    stage_errors: stageErrors(context),
  };
  return withLabels(event, context);
}

/** Decodes an `execution_stages` row; the pipeline, name and criticality come from the stage's metadata. */
export function decodeExecutionStageRow(row: Row, ctx: RowContext): StageEvent {
  const stageId = col.id(row, 'stage_id');
  const meta = ctx.stage(stageId);
  if (meta === undefined)
    throw new ValidationError('stage_id', `stage_id ${stageId} has no pipeline_stages row`);
  const executionId = col.id(row, 'execution_id');
  const status = col.oneOf(row, 'status', STAGE_STATUSES);
  if (status === null) throw new ValidationError('status', 'status is null');
  const output = col.object(row, 'output');
  const startedAt = col.time(row, 'started_at');
  const completedAt = col.time(row, 'completed_at');
  const retries = col.num(row, 'retry_count') ?? 0;
  if (retries < 0) throw new ValidationError('retry_count', 'retry_count must be ≥ 0');
  const event: StageEvent = {
    kind: 'stage',
    key: eventKeys.stage(meta.pipeline_id, executionId, stageId),
    pipeline_id: meta.pipeline_id,
    execution_id: executionId,
    stage_id: stageId,
    stage_name: meta.name,
    event_time: completedAt ?? startedAt ?? ctx.receivedAt,
    received_at: ctx.receivedAt,
    status,
    started_at: startedAt,
    completed_at: completedAt,
    duration_seconds: duration(row, startedAt, completedAt),
    retry_count: retries,
    is_critical: meta.is_critical,
    error_message: col.text(row, 'error_message'),
  };
  return withLabels(event, output);
}

/** Decodes a `logs` row; keyed by `metadata.event_id` when present, else by the row id. */
export function decodeLogRow(row: Row, ctx: RowContext): LogEvent {
  const level = col.oneOf(row, 'level', LOG_LEVELS);
  if (level === null) throw new ValidationError('level', 'level is null');
  const message = col.text(row, 'message');
  if (message === null) throw new ValidationError('message', 'message is null');
  const metadata = col.object(row, 'metadata');
  const event: LogEvent = {
    kind: 'log',
    key: rowKey(metadata, ctx, 'logs', col.id(row, 'id')),
    pipeline_id: col.id(row, 'pipeline_id'),
    event_time: col.time(row, 'created_at') ?? ctx.receivedAt,
    received_at: ctx.receivedAt,
    execution_id: col.optId(row, 'execution_id'),
    stage_id: col.optId(row, 'stage_id'),
    level,
    message,
  };
  return withLabels(event, metadata);
}

/** Decodes a `metrics` row; its pipeline, execution and stage ids live in `tags`. */
export function decodeMetricRow(row: Row, ctx: RowContext): MetricEvent {
  const tags = col.object(row, 'tags');
  if (tags === null) throw new ValidationError('tags', 'tags is null (pipeline_id lives there)');
  const name = col.text(row, 'metric_name');
  if (name === null || name === '') throw new ValidationError('metric_name', 'metric_name is empty');
  const value = toNumber(row.value, 'value');
  if (value === null) throw new ValidationError('value', 'value is null');
  const event: MetricEvent = {
    kind: 'metric',
    key: rowKey(tags, ctx, 'metrics', col.id(row, 'id')),
    pipeline_id: tagId(tags, 'pipeline_id', true) as string,
    event_time: col.time(row, 'created_at') ?? ctx.receivedAt,
    received_at: ctx.receivedAt,
    execution_id: tagId(tags, 'execution_id', false),
    stage_id: tagId(tags, 'stage_id', false),
    name,
    value,
  };
  return withLabels(event, tags);
}

function duration(row: Row, startedAt: number | null, completedAt: number | null): number {
  const d = col.num(row, 'duration_seconds');
  if (d !== null) {
    if (d < 0) throw new ValidationError('duration_seconds', 'duration_seconds must be ≥ 0');
    return d;
  }
  return startedAt !== null && completedAt !== null ? Math.max(0, (completedAt - startedAt) / 1000) : 0;
}

function stageErrors(context: Row | null): string[] {
  const v = context?.stage_errors;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string'))
    throw new ValidationError('context.stage_errors', 'context.stage_errors must be a list of text');
  return v as string[];
}

function rowKey(bag: Row | null, ctx: RowContext, table: string, id: string): string {
  const given = bag?.event_id;
  if (typeof given === 'string' && given !== '') return eventKeys.byEventId(given);
  return eventKeys.byEventId(`${ctx.keyPrefix}:${table}:${id}`);
}

function tagId(tags: Row, name: string, required: boolean): string | null {
  const v = tags[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw new ValidationError(`tags.${name}`, `tags.${name} is missing`);
    return null;
  }
  if (typeof v !== 'string' && typeof v !== 'number')
    throw new ValidationError(`tags.${name}`, `tags.${name} must be an id`);
  return String(v);
}

/** Carries the simulator's ground truth (`labels` in a JSON column) when it is well formed. */
function withLabels<E extends { labels?: FaultLabels }>(event: E, bag: Row | null): E {
  const l = bag?.labels;
  if (typeof l !== 'object' || l === null || Array.isArray(l)) return event;
  const { fault, fault_id } = l as Row;
  if ((typeof fault === 'string' || fault === null) && (typeof fault_id === 'string' || fault_id === null))
    event.labels = { fault, fault_id };
  return event;
}
