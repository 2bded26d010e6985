import { EXECUTION_STATUSES, TRIGGER_TYPES, eventKeys, type ExecutionEvent } from '../domain/index.js';
import { ValidationError } from '../shared/index.js';
import { read, type DecodeContext, type Obj } from './fields.js';
import { readLabels } from './labels.js';

/**
 * Decodes an execution record: the original backend's flat record (no `type`) or a typed
 * `{type: 'execution'}` event. In the flat form missing numbers mean 0, as the original read them;
 * in the typed form unreported resource numbers stay null and are left out of averages.
 */
export function decodeExecution(o: Obj, ctx: DecodeContext, flat: boolean): ExecutionEvent {
  const absent = flat ? 0 : null;
  const pipelineId = read.id(o, 'pipeline_id', true) as string;
  const executionId = read.id(o, 'execution_id', false) ?? read.id(o, 'id', false);
  const eventId = read.id(o, 'event_id', false);
  const startedAt = read.time(o, 'started_at', ctx);
  const completedAt = read.time(o, 'completed_at', ctx);
  const timestamp = read.time(o, 'timestamp', ctx);
  if (startedAt !== null && completedAt !== null && completedAt < startedAt) {
    throw new ValidationError('completed_at', 'completed_at is before started_at');
  }
  const event: ExecutionEvent = {
    kind: 'execution',
    key: executionKey(pipelineId, executionId, eventId, ctx),
    pipeline_id: pipelineId,
    execution_id: executionId,
    event_time: completedAt ?? timestamp ?? startedAt ?? ctx.receivedAt,
    received_at: ctx.receivedAt,
    status: read.oneOf(o, 'status', EXECUTION_STATUSES, 'completed'),
    started_at: startedAt,
    completed_at: completedAt,
    duration_seconds: read.num(o, 'duration_seconds', 0, { min: 0 }),
    retry_count: read.count(o, 'retry_count'),
    stage_failures: read.count(o, 'stage_failures'),
    data_volume_mb: read.num(o, 'data_volume_mb', absent, { min: 0 }),
    throughput_per_minute: read.num(o, 'throughput_per_minute', absent, { min: 0 }),
    latency_ms: read.num(o, 'latency_ms', absent, { min: 0 }),
    cpu_percent: read.percent(o, 'cpu_percent', absent),
    memory_percent: read.percent(o, 'memory_percent', absent),
    trigger_type: read.oneOf(o, 'trigger_type', TRIGGER_TYPES, null),
    error_message: read.text(o, 'error_message'),
    stage_errors: read.strings(o, 'stage_errors'),
  };
  const labels = readLabels(o);
  if (labels !== undefined) event.labels = labels;
  return event;
}

function executionKey(
  pipelineId: string,
  executionId: string | null,
  eventId: string | null,
  ctx: DecodeContext,
) {
  if (executionId !== null) return eventKeys.execution(pipelineId, executionId);
  if (eventId !== null) return eventKeys.byEventId(eventId);
  return eventKeys.fresh(ctx.newId());
}
