import type { FaultLabels, LogLevel, TriggerType } from '../domain/index.js';
import { SeededRng } from '../shared/index.js';
import { initialDefinition, stageFlags, type Definition, type DefinitionVersion } from './definition.js';
import { emitLog, type EmissionBuffer } from './emit.js';
import type { FaultPlan } from './faults.js';
import type { PipelineSpec } from './fleet-spec.js';
import { subSeed } from './ids.js';
import type { Run } from './run.js';
import type { PipelineView } from './types.js';

/** A schedule slot: when a run would start and whether one does. */
export interface Slot {
  k: number;
  at: number;
  runs: boolean;
  trigger: TriggerType;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** One simulated pipeline's changing state: definitions, activity, schedule position, runs in flight. */
export class PipelineState {
  readonly versions: DefinitionVersion[] = [];
  active = true;
  /** Workers the stages run on now (scale_workers raises it; it stays raised). */
  workers: number;
  updatedAt: number;
  /** Runs not yet finished, in start order. */
  runs: Run[] = [];
  runOrdinal = 0;
  manualRuns = 0;
  private slot: Slot | null = null;
  private k: number;
  private changes = 0;
  private logs = 0;

  constructor(
    private readonly seed: number,
    readonly spec: PipelineSpec,
    readonly faults: FaultPlan,
    startMs: number,
  ) {
    const n = spec.initialVersions;
    for (let v = 1; v <= n; v++) {
      const at = Math.round(spec.createdAt + ((v - 1) / n) * (startMs - spec.createdAt) * 0.9);
      this.versions.push({
        version: v,
        definition: initialDefinition(spec, v),
        timeoutSeconds: spec.initialTimeoutSeconds,
        createdAt: at,
        source: v === 1 ? 'initial' : 'deploy',
        restoredFrom: null,
      });
    }
    this.updatedAt = this.current().createdAt;
    this.workers = spec.workers;
    this.k = Math.ceil(startMs / spec.intervalMs);
  }

  /** The definition version in force. */
  current(): DefinitionVersion {
    return this.versions[this.versions.length - 1];
  }

  /** The next schedule slot (not consumed). */
  peekSlot(): Slot {
    if (this.slot === null) {
      const rng = new SeededRng(subSeed(this.seed, this.spec.index, 'slot', this.k));
      const base = this.k * this.spec.intervalMs;
      this.slot =
        this.spec.trigger === 'scheduled'
          ? { k: this.k, at: base + Math.round(200 + 2300 * rng.next()), runs: true, trigger: 'scheduled' }
          : {
              k: this.k,
              at: base + Math.round(0.5 * this.spec.intervalMs * rng.next()),
              runs: rng.next() < 0.85,
              trigger: 'webhook',
            };
    }
    return this.slot;
  }

  /** Consumes the next schedule slot. */
  takeSlot(): Slot {
    const slot = this.peekSlot();
    this.slot = null;
    this.k++;
    return slot;
  }

  /** Records a new definition version and makes it current. */
  addVersion(
    definition: Definition,
    timeoutSeconds: number,
    at: number,
    source: DefinitionVersion['source'],
    restoredFrom: number | null = null,
  ): DefinitionVersion {
    const v: DefinitionVersion = {
      version: this.current().version + 1,
      definition,
      timeoutSeconds,
      createdAt: at,
      source,
      restoredFrom,
    };
    this.versions.push(v);
    this.updatedAt = at;
    return v;
  }

  /** Emits the pipeline's current rows (pipelines and pipeline_stages) at `at`. */
  emitRows(buf: EmissionBuffer, at: number): void {
    if (!buf.outputs.rows) return;
    const em = buf.open(at, this.spec.index, -1, this.changes++);
    const cur = this.current();
    const flags = stageFlags(cur.definition, this.spec);
    const spec = this.spec;
    em.rows.push({
      table: 'pipelines',
      row: {
        id: spec.id,
        name: spec.name,
        description: spec.description,
        owner_id: null,
        definition: cur.definition,
        version: cur.version,
        is_active: this.active,
        schedule_cron: spec.cron,
        timeout_seconds: cur.timeoutSeconds,
        tags: spec.tags,
        created_at: iso(spec.createdAt),
        updated_at: iso(this.updatedAt),
      },
    });
    for (const s of spec.stages)
      em.rows.push({
        table: 'pipeline_stages',
        row: {
          id: s.id,
          pipeline_id: spec.id,
          name: s.name,
          type: s.type,
          order_index: s.order_index,
          config: {
            critical: flags.critical[s.order_index],
            skip: flags.skip[s.order_index],
            max_retries: s.max_retries,
            external: s.external,
          },
          dependencies: s.order_index === 0 ? [] : [spec.stages[s.order_index - 1].name],
          retry_count: s.max_retries,
          created_at: iso(spec.createdAt),
        },
      });
  }

  /** Emits a pipeline-level log line (no execution) at `at`. */
  emitLog(
    buf: EmissionBuffer,
    at: number,
    level: LogLevel,
    message: string,
    labels: FaultLabels,
    service: string,
  ): void {
    const em = buf.open(at, this.spec.index, -1, this.changes++);
    const place = { spec: this.spec, executionId: null, stage: null, labels };
    emitLog(em, buf.outputs, place, at, level, message, `${this.spec.id}:p${this.logs++}`, service);
  }

  /** The pipeline as the control API shows it. */
  view(): PipelineView {
    const spec = this.spec;
    const cur = this.current();
    const flags = stageFlags(cur.definition, spec);
    return {
      id: spec.id,
      name: spec.name,
      description: spec.description,
      is_active: this.active,
      workers: this.workers,
      version: cur.version,
      definition: cur.definition,
      timeout_seconds: cur.timeoutSeconds,
      schedule_cron: spec.cron,
      trigger_type: spec.trigger,
      tags: [...spec.tags],
      stages: spec.stages.map((s) => ({
        id: s.id,
        name: s.name,
        type: s.type,
        order_index: s.order_index,
        critical: flags.critical[s.order_index],
        skip: flags.skip[s.order_index],
        retry_count: s.max_retries,
      })),
      versions: this.versions.map((v) => ({
        version: v.version,
        definition: v.definition,
        timeout_seconds: v.timeoutSeconds,
        created_at: iso(v.createdAt),
        source: v.source,
        restored_from: v.restoredFrom,
      })),
      running_executions: this.runs.filter((r) => r.status === 'running').map((r) => r.id),
      created_at: iso(spec.createdAt),
      updated_at: iso(this.updatedAt),
    };
  }
}
