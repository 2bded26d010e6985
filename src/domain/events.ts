/**
 * The canonical event every source is normalised into. Records are snake_case like the wire
 * format; times are epoch milliseconds. Correlated by pipeline_id + execution_id + stage_id.
 */
export const EXECUTION_STATUSES = [
  'pending',
  'queued',
  'running',
  'completed',
  'failed',
  'cancelled',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const STAGE_STATUSES = ['pending', 'running', 'completed', 'failed', 'skipped'] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SUCCESS'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const TRIGGER_TYPES = ['manual', 'scheduled', 'webhook', 'api'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

/** Ground truth the simulator attaches to what it emits; null when the event is normal. */
export interface FaultLabels {
  fault: string | null;
  fault_id: string | null;
}

interface EventBase {
  /** Identity key: events with the same key are states of one thing (see identity.ts). */
  key: string;
  pipeline_id: string;
  /** Event time (completed_at, else timestamp, else started_at, else receive time). */
  event_time: number;
  /** When the service received it; retention counts from here. */
  received_at: number;
  labels?: FaultLabels;
}

export interface ExecutionEvent extends EventBase {
  kind: 'execution';
  execution_id: string | null;
  status: ExecutionStatus;
  started_at: number | null;
  completed_at: number | null;
  duration_seconds: number;
  retry_count: number;
  stage_failures: number;
  data_volume_mb: number | null;
  throughput_per_minute: number | null;
  latency_ms: number | null;
  cpu_percent: number | null;
  memory_percent: number | null;
  trigger_type: TriggerType | null;
  error_message: string | null;
  stage_errors: string[];
}

export interface StageEvent extends EventBase {
  kind: 'stage';
  execution_id: string;
  stage_id: string;
  stage_name: string;
  status: StageStatus;
  started_at: number | null;
  completed_at: number | null;
  duration_seconds: number;
  retry_count: number;
  is_critical: boolean;
  error_message: string | null;
}

export interface LogEvent extends EventBase {
  kind: 'log';
  execution_id: string | null;
  stage_id: string | null;
  level: LogLevel;
  message: string;
}

export interface MetricEvent extends EventBase {
  kind: 'metric';
  execution_id: string | null;
  stage_id: string | null;
  /** cpu_percent, memory_percent, throughput_per_minute, latency_ms, data_volume_mb, … */
  name: string;
  value: number;
}

export type TelemetryEvent = ExecutionEvent | StageEvent | LogEvent | MetricEvent;
export type EventKind = TelemetryEvent['kind'];

/** Whether an execution or stage status is final. */
export function isTerminal(status: ExecutionStatus | StageStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled' || status === 'skipped';
}

/** An execution counts as a failure when it failed or any of its stages did (the original's rule). */
export function isFailedExecution(e: Pick<ExecutionEvent, 'status' | 'stage_failures'>): boolean {
  return e.status === 'failed' || e.stage_failures > 0;
}
