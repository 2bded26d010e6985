/** The self-healing loop wired over the store: its stores, guards, executors, service and admin. */
import {
  SqlActionStore,
  SqlApprovalStore,
  SqlAuditStore,
  SqlGuardStateStore,
  SqlHealingSettingsStore,
  SqlOutcomeLabelStore,
  SqlPipelineLeaseStore,
} from './adapters/index.js';
import { HealingAdmin, HealingService, type HealingServiceOptions } from './app/index.js';
import { Guards, type GuardConfig, type Runbook } from './healing/index.js';
import type { MonitoringEngine } from './monitoring/index.js';
import type { ActionExecutor, ActionRow, AnomalyStore, PipelineCatalog, SqlClient } from './ports/index.js';
import type { Clock } from './shared/index.js';

export interface HealingOptions {
  runbooks: readonly Runbook[];
  /** Where the runbooks came from (status). */
  runbookSource: string;
  guards: Partial<GuardConfig>;
  /** `--kill-switch`: on at start whatever an operator saved. */
  killSwitchFlag: boolean;
  /** The executors, given the pipeline catalog (rollback and definition edits read it). */
  executors(catalog: PipelineCatalog): ActionExecutor[];
  /** Tick period of the loop. */
  intervalMs: number;
  service?: HealingServiceOptions;
  /** This process, for pipeline leases. */
  owner: string;
  /** Told about every action's change of status. */
  onAction?(row: ActionRow): void;
}

export interface Healing {
  service: HealingService;
  admin: HealingAdmin;
  guards: Guards;
}

/** Builds and starts the healing loop (settings applied, unfinished actions resumed or closed). */
export async function composeHealing(args: {
  sql: SqlClient;
  clock: Clock;
  newId: () => string;
  engine: MonitoringEngine;
  catalog: PipelineCatalog;
  incidents: Pick<AnomalyStore, 'save' | 'openIncidents'>;
  options: HealingOptions;
  onError: (err: Error, what: string) => void;
}): Promise<Healing> {
  const { sql, clock, newId, engine, catalog, options } = args;
  const stores = {
    actions: new SqlActionStore(sql),
    approvals: new SqlApprovalStore(sql),
    audit: new SqlAuditStore(sql),
    outcomes: new SqlOutcomeLabelStore(sql),
    settings: new SqlHealingSettingsStore(sql),
    leases: new SqlPipelineLeaseStore(sql),
    guardState: new SqlGuardStateStore(sql),
    incidents: args.incidents,
  };
  const guards = new Guards(options.guards);
  const executors = options.executors(catalog);
  const service = new HealingService({
    runbooks: options.runbooks,
    guards,
    executors,
    stores,
    catalog,
    snapshot: (id) => engine.snapshot(id),
    pipelines: () =>
      engine.list({ limit: Number.MAX_SAFE_INTEGER, offset: 0 }).items.map((p) => p.pipeline_id),
    clock,
    newId,
    owner: options.owner,
    onAction: options.onAction,
    onError: args.onError,
    options: options.service,
  });
  const admin = new HealingAdmin({
    service,
    guards,
    runbooks: options.runbooks,
    stores,
    clock,
    newId,
    killSwitchFlag: options.killSwitchFlag,
    executors: executors.map((e) => e.name),
    runbookSource: options.runbookSource,
  });
  await admin.start();
  await service.start();
  return { service, admin, guards };
}
