/** The change consumer of the FlexiRoaster tables and the pipeline catalog it fills. */
export {
  createSourceConsumer,
  type SourceConsumer,
  type SourceConsumerOptions,
  type SourceMode,
} from './consumer.js';
export { SqlPipelineCatalog, definitionHash } from './catalog.js';
export { installCaptureTriggers, removeCaptureTriggers } from './triggers.js';
export { openSourceClient } from './connect.js';
