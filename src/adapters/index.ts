/** Public face of the adapters room: the service's store and its retention job. */
export { openStore, storeOptionsFromConfig, type OpenStoreOptions, type Store } from './open-store.js';
export { startStore, type StoreLocation, type StoreStart } from './store-start.js';
export {
  JournaledEventStore,
  type EventStoreStats,
  type JournaledEventStoreOptions,
} from './events/journaled-event-store.js';
export type { StoreNotice } from './events/notices.js';
export { startRetentionPruner, type RetentionPruner, type RetentionPrunerOptions } from './retention.js';
export {
  migrate,
  loadMigrations,
  SCHEMA,
  type Migration,
  type MigrationReport,
} from './migrations/migrate.js';
export { SqlStateError } from './sql/sql-error.js';
export type { ClosableSqlClient } from './postgres/client.js';
export { SqlAnomalyStore } from './anomaly/sql-anomaly-store.js';
export { SqlAnomalyOutcomes } from './anomaly/sql-anomaly-outcomes.js';
export { SqlModelStore } from './models/sql-model-store.js';
export { createSources, type Sources, type SourcesOptions } from './sources.js';
export { SqlPipelineCatalog } from './source/index.js';
export { ensureDemoSchema, pruneDemoRows, writeDemoRows, type DemoRows } from './source/demo/demo-tables.js';
export { SqlTemplateStore } from './logs/sql-template-store.js';
export { SqlRootCauseStore } from './logs/sql-root-cause-store.js';
export { SqlInsightStore } from './insights/sql-insight-store.js';
export { SqlWriteBackLedger } from './write-back/sql-write-back-ledger.js';
export { SqlWriteBackTarget } from './write-back/sql-write-back-target.js';
export {
  WebhookExecutor,
  webhookSignature,
  WEBHOOK_HEADERS,
  type WebhookExecutorOptions,
} from './healing/webhook-executor.js';
export {
  FlexiRoasterExecutor,
  FLEXIROASTER_ACTIONS,
  type FlexiRoasterExecutorOptions,
} from './healing/flexiroaster-executor.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './healing/http-call.js';
export { SqlActionStore } from './healing/sql-action-store.js';
export { SqlApprovalStore } from './healing/sql-approval-store.js';
export { SqlAuditStore } from './healing/sql-audit-store.js';
export {
  SqlGuardStateStore,
  SqlHealingSettingsStore,
  SqlOutcomeLabelStore,
  SqlPipelineLeaseStore,
} from './healing/sql-healing-state.js';
export { readRunbookFiles, type RunbookFile } from './healing/runbook-files.js';
export { openWriteBackConnection, type WriteBackConnection } from './write-back/connect.js';
export { SqlPredictionStore } from './predictions/sql-prediction-store.js';
