import {
  LOG_LEVELS,
  STAGE_STATUSES,
  eventKeys,
  type LogEvent,
  type MetricEvent,
  type StageEvent,
} from '../domain/index.js';
import { ValidationError } from '../shared/index.js';
import { read, type DecodeContext, type Obj } from './fields.js';
import { readLabels } from './labels.js';

const MAX_MESSAGE_LENGTH = 64 * 1024;
const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,127}$/;
const PERCENT_METRICS = new Set(['cpu_percent', 'memory_percent']);

/** Decodes `{type: 'stage'}`: one stage of one execution; its key is the stage's state. */
export function decodeStage(o: Obj, ctx: DecodeContext): StageEvent {
  const pipelineId = read.id(o, 'pipeline_id', true) as string;
  const executionId = read.id(o, 'execution_id', true) as string;
  const stageId = read.id(o, 'stage_id', false) ?? read.id(o, 'stage_name', true);
  const startedAt = read.time(o, 'started_at', ctx);
  const completedAt = read.time(o, 'completed_at', ctx);
  const timestamp = read.time(o, 'timestamp', ctx);
  const event: StageEvent = {
    kind: 'stage',
    key: eventKeys.stage(pipelineId, executionId, stageId as string),
    pipeline_id: pipelineId,
    execution_id: executionId,
    stage_id: stageId as string,
    stage_name: read.text(o, 'stage_name', 256) ?? (stageId as string),
    event_time: completedAt ?? timestamp ?? startedAt ?? ctx.receivedAt,
    received_at: ctx.receivedAt,
    status: read.oneOf(o, 'status', STAGE_STATUSES, 'completed'),
    started_at: startedAt,
    completed_at: completedAt,
    duration_seconds: read.num(o, 'duration_seconds', 0, { min: 0 }),
    retry_count: read.count(o, 'retry_count'),
    is_critical: read.bool(o, 'is_critical', true),
    error_message: read.text(o, 'error_message'),
  };
  return withLabels(event, o);
}

/** Decodes `{type: 'log'}`; without event_id it is keyed by its content, so a repeat is one line. */
export function decodeLog(o: Obj, ctx: DecodeContext): LogEvent {
  const pipelineId = read.id(o, 'pipeline_id', true) as string;
  const message = read.text(o, 'message', MAX_MESSAGE_LENGTH);
  if (message === null) throw new ValidationError('message', 'message is required');
  const level = read.oneOf(o, 'level', LOG_LEVELS, 'INFO');
  const point = readPoint(o, ctx, pipelineId, 'log', `${level}\u0001${message}`);
  return withLabels({ kind: 'log', ...point, level, message }, o);
}

/** Decodes `{type: 'metric'}`; percent metrics must lie in 0–100. */
export function decodeMetric(o: Obj, ctx: DecodeContext): MetricEvent {
  const pipelineId = read.id(o, 'pipeline_id', true) as string;
  const name = read.text(o, 'name', 128);
  if (name === null) throw new ValidationError('name', 'name is required');
  if (!METRIC_NAME.test(name))
    throw new ValidationError('name', 'name must be a metric identifier like cpu_percent');
  const value = PERCENT_METRICS.has(name) ? read.percent(o, 'value', null) : read.num(o, 'value', null);
  if (value === null) throw new ValidationError('value', 'value is required');
  const point = readPoint(o, ctx, pipelineId, 'metric', `${name}\u0001${value}`);
  return withLabels({ kind: 'metric', ...point, name, value }, o);
}

/**
 * The fields log and metric events share: ids, time and identity — `event_id` when given, else a
 * hash of everything that makes the point what it is (so a repeat is the same event).
 */
function readPoint(o: Obj, ctx: DecodeContext, pipelineId: string, kind: 'log' | 'metric', content: string) {
  const executionId = read.id(o, 'execution_id', false);
  const stageId = read.id(o, 'stage_id', false);
  const eventTime = read.time(o, 'timestamp', ctx) ?? ctx.receivedAt;
  const eventId = read.id(o, 'event_id', false);
  const key =
    eventId !== null
      ? eventKeys.byEventId(eventId)
      : eventKeys.content(
          kind,
          `${pipelineId}\u0001${executionId}\u0001${stageId}\u0001${eventTime}\u0001${content}`,
        );
  return {
    key,
    pipeline_id: pipelineId,
    execution_id: executionId,
    stage_id: stageId,
    event_time: eventTime,
    received_at: ctx.receivedAt,
  };
}

function withLabels<E extends StageEvent | LogEvent | MetricEvent>(event: E, o: Obj): E {
  const labels = readLabels(o);
  if (labels !== undefined) event.labels = labels;
  return event;
}
