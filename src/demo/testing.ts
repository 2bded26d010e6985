// Helpers shared by the demo's tests (not part of the public face).
import type { ExecutionEvent, LogEvent, MetricEvent, StageEvent, TelemetryEvent } from '../domain/index.js';

/** A Monday 06:00 UTC: tests start here so daily seasonality is the same on every run. */
export const T0 = Date.UTC(2026, 0, 5, 6);
export const MIN = 60_000;
export const HOUR = 3_600_000;

/** Execution events in a final state. */
export const finalExecutions = (events: readonly TelemetryEvent[]): ExecutionEvent[] =>
  events.filter((e): e is ExecutionEvent => e.kind === 'execution' && e.status !== 'running');

/** Stage events in a final state. */
export const finalStages = (events: readonly TelemetryEvent[]): StageEvent[] =>
  events.filter((e): e is StageEvent => e.kind === 'stage' && e.status !== 'running');

/** Log events. */
export const logs = (events: readonly TelemetryEvent[]): LogEvent[] =>
  events.filter((e): e is LogEvent => e.kind === 'log');

/** Metric events. */
export const metrics = (events: readonly TelemetryEvent[]): MetricEvent[] =>
  events.filter((e): e is MetricEvent => e.kind === 'metric');
