import type { TelemetryEvent } from '../../domain/index.js';
import { ValidationError } from '../../shared/index.js';
import {
  decodePipelineRow,
  decodePipelineStageRow,
  type CriticalTypes,
  type PipelineMeta,
  type StageMeta,
} from './metadata.js';
import {
  decodeExecutionRow,
  decodeExecutionStageRow,
  decodeLogRow,
  decodeMetricRow,
  type RowContext,
} from './telemetry.js';
import type { Row } from './values.js';

/** The FlexiRoaster tables the change consumer follows, in the order a batch is applied. */
export const SOURCE_TABLES = [
  'pipelines',
  'pipeline_stages',
  'executions',
  'execution_stages',
  'logs',
  'metrics',
] as const;
export type SourceTable = (typeof SOURCE_TABLES)[number];

/** A row that could not be decoded: which table and row, the column at fault, why. */
export interface RowRejection {
  table: SourceTable;
  row_id: string | null;
  field: string;
  reason: string;
}

/** What one row became: an event, pipeline or stage metadata, or a rejection. Never a throw. */
export type DecodedRow =
  | { kind: 'event'; event: TelemetryEvent }
  | { kind: 'pipeline'; pipeline: PipelineMeta }
  | { kind: 'stage_meta'; stage: StageMeta }
  | { kind: 'rejected'; rejection: RowRejection };

export interface SourceRowContext extends RowContext {
  criticalTypes: CriticalTypes;
}

/** Decodes one row of a FlexiRoaster table; bad rows come back as a typed rejection with the reason. */
export function decodeSourceRow(table: SourceTable, row: Row, ctx: SourceRowContext): DecodedRow {
  try {
    switch (table) {
      case 'pipelines':
        return { kind: 'pipeline', pipeline: decodePipelineRow(row) };
      case 'pipeline_stages':
        return { kind: 'stage_meta', stage: decodePipelineStageRow(row, ctx.criticalTypes) };
      case 'executions':
        return { kind: 'event', event: decodeExecutionRow(row, ctx) };
      case 'execution_stages':
        return { kind: 'event', event: decodeExecutionStageRow(row, ctx) };
      case 'logs':
        return { kind: 'event', event: decodeLogRow(row, ctx) };
      case 'metrics':
        return { kind: 'event', event: decodeMetricRow(row, ctx) };
    }
  } catch (err) {
    const v = err instanceof ValidationError ? err : null;
    return {
      kind: 'rejected',
      rejection: {
        table,
        row_id: rowId(row),
        field: v?.field ?? 'row',
        reason: v?.message ?? `cannot decode: ${err instanceof Error ? err.message : String(err)}`,
      },
    };
  }
}

function rowId(row: Row): string | null {
  const id = row.id;
  return typeof id === 'string' || typeof id === 'number' || typeof id === 'bigint' ? String(id) : null;
}
