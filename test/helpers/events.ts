/** Small TelemetryEvent builders for store tests. */
import type { ExecutionEvent, MetricEvent } from '../../src/domain/index.js';
import { execution as executionEvent, T0 } from '../../src/monitoring/testing.js';

export { T0 };

/** A metric with its own key, event time `t`, received at `receivedAt` (default t). */
export function metric(n: number, t: number, receivedAt = t, pipeline = 'p1'): MetricEvent {
  return {
    kind: 'metric',
    key: `m:${pipeline}:${n}`,
    pipeline_id: pipeline,
    event_time: t,
    received_at: receivedAt,
    execution_id: null,
    stage_id: null,
    name: 'cpu_percent',
    value: n % 100,
  };
}

/** A state of execution `id`; completed states carry completed_at as event time. */
export function execution(
  id: string,
  status: ExecutionEvent['status'],
  t: number,
  pipeline = 'p1',
): ExecutionEvent {
  return executionEvent({
    key: `x:${pipeline}:${id}`,
    pipeline_id: pipeline,
    event_time: t,
    received_at: t,
    execution_id: id,
    status,
    started_at: T0,
    completed_at: status === 'completed' || status === 'failed' ? t : null,
  });
}

/** Every event a scan yields, pages flattened. */
export async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}
