// The demo fleet simulator: seeded FlexiRoaster pipelines, labelled faults, telemetry and table rows,
// a control surface and its HTTP form (the plugin only needs fastify's types).
export { createFleet, DemoFleet } from './fleet.js';
export { demoControlApi, type ControlApiOptions } from './control-api.js';
export { createDriver, type DriverOptions, type FleetDriver } from './driver.js';
export { parseDefinitionUpdate, type DefinitionUpdate } from './definition-update.js';
export { episodeRecoveries, SLOW_FACTOR, type EpisodeRecovery, type FinishedRun } from './recovery.js';
export { toDemoWire, toTruth, type TruthEntry } from './wire-form.js';
export {
  emptyRows,
  METRIC_TYPES,
  type ExecutionRow,
  type ExecutionStageRow,
  type FlexiRoasterRows,
  type LogRow,
  type MetricRow,
  type MetricType,
  type PipelineRow,
  type PipelineStageRow,
} from './rows.js';
export {
  FAULT_KINDS,
  STAGE_TYPES,
  type AdvanceResult,
  type ControlResult,
  type DefinitionVersionView,
  type ExecutionView,
  type FaultEpisode,
  type FaultKind,
  type FleetOptions,
  type PipelineView,
  type StageType,
  type StageView,
} from './types.js';
