import type { ExecutionStatus, LogLevel, StageStatus, TriggerType } from '../domain/index.js';
import type { StageType } from './types.js';

/**
 * Rows shaped like the FlexiRoaster Supabase tables (column names and allowed values as in the
 * schema). Times are ISO-8601 strings. Rows with an `id` are upserts: a later row with the same id is
 * the same row's later state. `logs` and `metrics` rows leave `id` to the database (bigserial). Ground
 * truth rides in the JSON columns as `labels: {fault, fault_id}` (context, output, metadata, tags).
 */
export interface PipelineRow {
  id: string;
  name: string;
  description: string;
  owner_id: null;
  definition: Record<string, unknown>;
  version: number;
  is_active: boolean;
  schedule_cron: string | null;
  timeout_seconds: number;
  tags: string[];
  created_at: string;
  updated_at: string;
}

export interface PipelineStageRow {
  id: string;
  pipeline_id: string;
  name: string;
  type: StageType;
  order_index: number;
  /** `{critical, skip, max_retries, external}`. */
  config: Record<string, unknown>;
  dependencies: string[];
  retry_count: number;
  created_at: string;
}

export interface ExecutionRow {
  id: string;
  pipeline_id: string;
  status: ExecutionStatus;
  started_at: string | null;
  completed_at: string | null;
  duration_seconds: number | null;
  triggered_by: null;
  trigger_type: TriggerType;
  error_message: string | null;
  /** Definition version, paused flag, the run's aggregates (retries, resources, volume) and labels. */
  context: Record<string, unknown>;
  created_at: string;
}

export interface ExecutionStageRow {
  id: string;
  execution_id: string;
  stage_id: string;
  status: StageStatus;
  started_at: string | null;
  completed_at: string | null;
  duration_seconds: number | null;
  /** Stage name, criticality, records, resources, throughput, latency and labels. */
  output: Record<string, unknown>;
  error_message: string | null;
  retry_count: number;
}

export interface LogRow {
  level: LogLevel;
  service: string;
  pipeline_id: string;
  execution_id: string | null;
  stage_id: string | null;
  message: string;
  /** `{event_id, stage_name?, labels}`. */
  metadata: Record<string, unknown>;
  created_at: string;
}

export const METRIC_TYPES = ['counter', 'gauge', 'histogram'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

export interface MetricRow {
  metric_name: string;
  metric_type: MetricType;
  value: number;
  /** `{pipeline_id, execution_id, stage_id, stage_name, event_id, labels}`. */
  tags: Record<string, unknown>;
  created_at: string;
}

/** Rows per FlexiRoaster table, in the order they happened. */
export interface FlexiRoasterRows {
  pipelines: PipelineRow[];
  pipeline_stages: PipelineStageRow[];
  executions: ExecutionRow[];
  execution_stages: ExecutionStageRow[];
  logs: LogRow[];
  metrics: MetricRow[];
}

/** A fresh set of empty tables. */
export function emptyRows(): FlexiRoasterRows {
  return { pipelines: [], pipeline_stages: [], executions: [], execution_stages: [], logs: [], metrics: [] };
}

/** One row change, tagged with its table. */
export type RowChange =
  | { table: 'pipelines'; row: PipelineRow }
  | { table: 'pipeline_stages'; row: PipelineStageRow }
  | { table: 'executions'; row: ExecutionRow }
  | { table: 'execution_stages'; row: ExecutionStageRow }
  | { table: 'logs'; row: LogRow }
  | { table: 'metrics'; row: MetricRow };

/** Appends a change to its table. */
export function addRow(rows: FlexiRoasterRows, change: RowChange): void {
  switch (change.table) {
    case 'pipelines':
      rows.pipelines.push(change.row);
      break;
    case 'pipeline_stages':
      rows.pipeline_stages.push(change.row);
      break;
    case 'executions':
      rows.executions.push(change.row);
      break;
    case 'execution_stages':
      rows.execution_stages.push(change.row);
      break;
    case 'logs':
      rows.logs.push(change.row);
      break;
    case 'metrics':
      rows.metrics.push(change.row);
      break;
  }
}
