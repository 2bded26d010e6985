import type { ExecutionEvent, LogEvent, MetricEvent, StageEvent, TelemetryEvent } from './events.js';

/**
 * The typed JSON form of a TelemetryEvent on the wire (ingest API, NDJSON workloads, NATS):
 * `type` names the kind, times are ISO-8601 strings. A record without `type` is the original
 * backend's flat execution record.
 */
export type WireEvent =
  | ({ type: 'execution' } & WireFields<ExecutionEvent, 'started_at' | 'completed_at'>)
  | ({ type: 'stage' } & WireFields<StageEvent, 'started_at' | 'completed_at'>)
  | ({ type: 'log' } & WireFields<LogEvent, never> & { timestamp: string })
  | ({ type: 'metric' } & WireFields<MetricEvent, never> & { timestamp: string });

type Internal = 'kind' | 'key' | 'event_time' | 'received_at';
type WireFields<E, TimeFields extends keyof E> = Omit<E, Internal | TimeFields> & {
  [K in TimeFields]: string | null;
} & { event_id?: string };

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Encodes an event in its wire form (what the decoders in src/ingest read back). */
export function toWire(e: TelemetryEvent, eventId?: string): WireEvent {
  const { kind, key: _key, event_time, received_at: _r, ...rest } = e;
  const id = eventId === undefined ? {} : { event_id: eventId };
  switch (kind) {
    case 'execution': {
      const x = rest as Omit<ExecutionEvent, Internal>;
      return {
        type: 'execution',
        ...id,
        ...x,
        started_at: iso(x.started_at),
        completed_at: iso(x.completed_at),
      };
    }
    case 'stage': {
      const s = rest as Omit<StageEvent, Internal>;
      return { type: 'stage', ...id, ...s, started_at: iso(s.started_at), completed_at: iso(s.completed_at) };
    }
    case 'log':
      return {
        type: 'log',
        ...id,
        ...(rest as Omit<LogEvent, Internal>),
        timestamp: iso(event_time) as string,
      };
    case 'metric':
      return {
        type: 'metric',
        ...id,
        ...(rest as Omit<MetricEvent, Internal>),
        timestamp: iso(event_time) as string,
      };
  }
}
