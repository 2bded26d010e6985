/** Pure decoders of FlexiRoaster table rows (the change consumer's input) into events and metadata. */
export {
  SOURCE_TABLES,
  decodeSourceRow,
  type DecodedRow,
  type RowRejection,
  type SourceRowContext,
  type SourceTable,
} from './decode-row.js';
export {
  SOURCE_STAGE_TYPES,
  parseCriticalTypes,
  type CriticalTypes,
  type PipelineMeta,
  type SourceStageType,
  type StageMeta,
} from './metadata.js';
export type { RowContext } from './telemetry.js';
export type { Row } from './values.js';
