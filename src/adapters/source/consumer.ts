import type { TelemetryEvent } from '../../domain/index.js';
import type { CriticalTypes, RowRejection } from '../../ingest/index.js';
import type { SourceHealth, SqlClient } from '../../ports/index.js';
import type { Clock } from '../../shared/index.js';
import { RowApplier } from './apply-rows.js';
import { waitWhileStoreBehind } from './backpressure.js';
import { SqlPipelineCatalog } from './catalog.js';
import { replicationSupport } from './detect.js';
import { PollRunner } from './poll.js';
import { ReplicationRunner } from './replication.js';
import type { ModeRunner, RunControl } from './run-control.js';
import { SourceSupervisor } from './supervisor.js';
import { fetchStagesSql } from './tables.js';
import { TriggerRunner } from './triggers.js';

export type SourceMode = 'auto' | 'replication' | 'triggers' | 'poll';

export interface SourceConsumerOptions {
  /** Names the checkpoint and the status entry, e.g. `flexiroaster`. */
  name: string;
  mode: SourceMode;
  /** The source database; replication also needs its URL. */
  source: SqlClient;
  connectionString: string | null;
  schema: string;
  /** The service's store (checkpoints, pipeline metadata). */
  store: SqlClient;
  /** Makes events durable and live; resolves once durable (IngestService.ingestEvents). */
  sink: (events: readonly TelemetryEvent[]) => Promise<unknown>;
  clock: Clock;
  pollIntervalMs: number;
  criticalTypes: CriticalTypes;
  /** Uniform in [0, 1): reconnect jitter. */
  random: () => number;
  batchSize?: number;
  /** Replication slot and publication name (slots are cluster-wide: one per consumer). @default flexiroaster_ai */
  slot?: string;
  onModeChosen?: (mode: Exclude<SourceMode, 'auto'>, reason: string) => void;
  onReject?: (rejection: RowRejection) => void;
  onError?: (err: Error, retryInMs: number) => void;
}

/** A change consumer: start() runs it in the background. */
export interface SourceConsumer {
  start(): void;
  health(): SourceHealth;
  stop(): Promise<void>;
}

/**
 * The change consumer for the FlexiRoaster tables: picks the mode on its first connection (auto:
 * replication where the database allows it, else polling), keeps it running through connection loss,
 * reports health. Nothing connects before start().
 */
export function createSourceConsumer(o: SourceConsumerOptions): SourceConsumer {
  const catalog = new SqlPipelineCatalog(o.store);
  let supervisor: SourceSupervisor | null = null;
  const durable = waitWhileStoreBehind(o.sink, () => supervisor?.stopping === true);
  const applier = new RowApplier({
    catalog,
    criticalTypes: o.criticalTypes,
    keyPrefix: `${o.name}:${o.schema}`,
    clock: o.clock,
    sink: async (events) => {
      await durable(events);
      if (supervisor) supervisor.counts.events += events.length;
    },
    fetchStages: async (ids) =>
      (await o.source.query<{ r: Record<string, unknown> }>(fetchStagesSql(o.schema), [ids])).rows.map(
        (r) => r.r,
      ),
    onReject: (rejection) => {
      if (supervisor) supervisor.counts.rejected++;
      o.onReject?.(rejection);
    },
  });
  const runner = new ChosenRunner(o, applier);
  supervisor = new SourceSupervisor(runner, {
    name: o.name,
    clock: o.clock,
    random: o.random,
    onError: o.onError,
  });
  return supervisor;
}

/** Decides the mode on the first connection, then runs it (warming the stage cache first). */
class ChosenRunner implements ModeRunner {
  private chosen: ModeRunner | null = null;
  private warmed = false;

  constructor(
    private readonly o: SourceConsumerOptions,
    private readonly applier: RowApplier,
  ) {}

  get mode(): string {
    return this.chosen?.mode ?? this.o.mode;
  }

  async run(ctl: RunControl): Promise<void> {
    if (!this.warmed) {
      await this.applier.warm();
      this.warmed = true;
    }
    this.chosen ??= await this.choose();
    await this.chosen.run(ctl);
  }

  async interrupt(): Promise<void> {
    await this.chosen?.interrupt?.();
  }

  private async choose(): Promise<ModeRunner> {
    const o = this.o;
    const slot = (o.slot ?? 'flexiroaster_ai').replace(/[^a-z0-9_]/gi, '_').toLowerCase();
    let mode = o.mode;
    let reason = 'asked for';
    if (mode === 'auto') {
      const support =
        o.connectionString === null
          ? { ok: false, reason: 'embedded database (no replication)' }
          : await replicationSupport(o.source, o.schema, slot);
      mode = support.ok ? 'replication' : 'poll';
      reason = support.reason;
    }
    const common = {
      name: o.name,
      source: o.source,
      schema: o.schema,
      store: o.store,
      applier: this.applier,
      batchSize: o.batchSize,
    };
    o.onModeChosen?.(mode, reason);
    switch (mode) {
      case 'replication':
        if (o.connectionString === null) throw new Error('replication needs --source-database-url');
        return new ReplicationRunner({
          ...common,
          connectionString: o.connectionString,
          slot,
          publication: slot,
        });
      case 'triggers':
        return new TriggerRunner({ ...common, intervalMs: Math.min(o.pollIntervalMs, 200) });
      default:
        return new PollRunner({ ...common, intervalMs: o.pollIntervalMs });
    }
  }
}
