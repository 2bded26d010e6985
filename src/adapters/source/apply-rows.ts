import type { TelemetryEvent } from '../../domain/index.js';
import {
  SOURCE_TABLES,
  decodeSourceRow,
  type CriticalTypes,
  type PipelineMeta,
  type Row,
  type RowRejection,
  type SourceTable,
  type StageMeta,
} from '../../ingest/index.js';
import type { Clock } from '../../shared/index.js';
import type { SqlPipelineCatalog } from './catalog.js';

const SINK_CHUNK = 5000;

/** Rows read from one source table. */
export interface TableRows {
  table: SourceTable;
  rows: readonly Row[];
}

export interface RowApplierOptions {
  catalog: SqlPipelineCatalog;
  /** Makes events durable and live (IngestService.ingestEvents); resolves once they are durable. */
  sink: (events: readonly TelemetryEvent[]) => Promise<unknown>;
  /** Fetches `pipeline_stages` rows by id from the source when a stage run names one not yet seen. */
  fetchStages: (ids: readonly string[]) => Promise<Row[]>;
  criticalTypes: CriticalTypes;
  keyPrefix: string;
  clock: Clock;
  onReject: (rejection: RowRejection) => void;
}

/** What one batch did. */
export interface ApplyResult {
  events: number;
  rejected: number;
}

/**
 * Turns rows of the FlexiRoaster tables into durable events and metadata, metadata first (a stage run
 * needs its stage's pipeline and criticality). Bad rows are reported and skipped; a batch resolves
 * only once its events are durable, so the caller may then advance its checkpoint.
 */
export class RowApplier {
  private readonly stages = new Map<string, StageMeta>();

  constructor(private readonly o: RowApplierOptions) {}

  /** Fills the stage cache from the service's store (call once before the first batch). */
  async warm(): Promise<void> {
    for (const s of await this.o.catalog.loadStages()) this.stages.set(s.stage_id, s);
  }

  /** Applies a batch; tables are taken in dependency order whatever order they come in. */
  async apply(batch: readonly TableRows[]): Promise<ApplyResult> {
    const byTable = new Map<SourceTable, Row[]>();
    for (const t of batch) {
      const list = byTable.get(t.table) ?? [];
      for (const r of t.rows) list.push(r);
      byTable.set(t.table, list);
    }
    await this.fetchMissingStages(byTable.get('execution_stages') ?? []);
    const ctx = {
      receivedAt: this.o.clock.now(),
      stage: (id: string) => this.stages.get(id),
      keyPrefix: this.o.keyPrefix,
      criticalTypes: this.o.criticalTypes,
    };
    const pipelines: PipelineMeta[] = [];
    const stages: StageMeta[] = [];
    const events: TelemetryEvent[] = [];
    let rejected = 0;
    for (const table of SOURCE_TABLES) {
      for (const row of byTable.get(table) ?? []) {
        const d = decodeSourceRow(table, row, ctx);
        if (d.kind === 'event') events.push(d.event);
        else if (d.kind === 'pipeline') pipelines.push(d.pipeline);
        else if (d.kind === 'stage_meta') {
          stages.push(d.stage);
          this.stages.set(d.stage.stage_id, d.stage);
        } else {
          rejected++;
          this.o.onReject(d.rejection);
        }
      }
    }
    await this.o.catalog.savePipelines(pipelines);
    await this.o.catalog.saveStages(stages);
    // One huge source transaction must not become one write larger than the store takes at once.
    for (let i = 0; i < events.length; i += SINK_CHUNK) await this.o.sink(events.slice(i, i + SINK_CHUNK));
    return { events: events.length, rejected };
  }

  private async fetchMissingStages(stageRuns: readonly Row[]): Promise<void> {
    const missing = new Set<string>();
    for (const r of stageRuns) {
      const id = r.stage_id;
      if (typeof id === 'string' && !this.stages.has(id)) missing.add(id);
    }
    if (missing.size === 0) return;
    const rows = await this.o.fetchStages([...missing]);
    const found: StageMeta[] = [];
    for (const row of rows) {
      const d = decodeSourceRow('pipeline_stages', row, {
        receivedAt: this.o.clock.now(),
        stage: () => undefined,
        keyPrefix: this.o.keyPrefix,
        criticalTypes: this.o.criticalTypes,
      });
      if (d.kind === 'stage_meta') {
        found.push(d.stage);
        this.stages.set(d.stage.stage_id, d.stage);
      }
    }
    await this.o.catalog.saveStages(found);
  }
}
