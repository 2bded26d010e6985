import { describe, expect, it } from 'vitest';
import {
  EXECUTION_STATUSES,
  LOG_LEVELS,
  STAGE_STATUSES,
  TRIGGER_TYPES,
  type TelemetryEvent,
} from '../domain/index.js';
import { createFleet } from './fleet.js';
import { emptyRows, METRIC_TYPES, type FlexiRoasterRows } from './rows.js';
import { finalExecutions, HOUR, MIN, T0 } from './testing.js';
import { STAGE_TYPES } from './types.js';

// Columns of the FlexiRoaster tables (public schema) the simulator writes; logs and metrics leave
// their bigserial id to the database.
const COLUMNS: Record<keyof FlexiRoasterRows, string[]> = {
  pipelines: [
    'id',
    'name',
    'description',
    'owner_id',
    'definition',
    'version',
    'is_active',
    'schedule_cron',
    'timeout_seconds',
    'tags',
    'created_at',
    'updated_at',
  ],
  pipeline_stages: [
    'id',
    'pipeline_id',
    'name',
    'type',
    'order_index',
    'config',
    'dependencies',
    'retry_count',
    'created_at',
  ],
  executions: [
    'id',
    'pipeline_id',
    'status',
    'started_at',
    'completed_at',
    'duration_seconds',
    'triggered_by',
    'trigger_type',
    'error_message',
    'context',
    'created_at',
  ],
  execution_stages: [
    'id',
    'execution_id',
    'stage_id',
    'status',
    'started_at',
    'completed_at',
    'duration_seconds',
    'output',
    'error_message',
    'retry_count',
  ],
  logs: ['level', 'service', 'pipeline_id', 'execution_id', 'stage_id', 'message', 'metadata', 'created_at'],
  metrics: ['metric_name', 'metric_type', 'value', 'tags', 'created_at'],
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isIso = (v: unknown): boolean => typeof v === 'string' && new Date(v).toISOString() === v;
const isIsoOrNull = (v: unknown): boolean => v === null || isIso(v);

function simulate(): { rows: FlexiRoasterRows; events: TelemetryEvent[] } {
  const fleet = createFleet({ seed: 21, pipelines: 4, startMs: T0, faultRate: 0.8 });
  const rows = emptyRows();
  const events: TelemetryEvent[] = [];
  const take = (t: number): void => {
    const r = fleet.advanceTo(t);
    events.push(...r.events);
    for (const k of Object.keys(rows) as (keyof FlexiRoasterRows)[])
      (rows[k] as unknown[]).push(...r.rows[k]);
  };
  take(T0 + HOUR);
  const [a, b] = fleet.pipelines();
  fleet.stop(fleet.execute(a.id).execution_id);
  fleet.pause(fleet.execute(b.id).execution_id);
  fleet.deactivate(b.id);
  fleet.updateDefinition(a.id, { timeout_seconds: 5000, skip_stages: [a.stages.at(-1)?.name ?? ''] });
  take(T0 + HOUR + 30 * MIN);
  return { rows, events };
}

describe('FlexiRoaster rows', () => {
  const { rows, events } = simulate();

  it('use exactly the tables’ column names', () => {
    for (const table of Object.keys(COLUMNS) as (keyof FlexiRoasterRows)[]) {
      expect(rows[table].length, table).toBeGreaterThan(0);
      const odd = rows[table].filter(
        (r) => Object.keys(r).sort().join() !== [...COLUMNS[table]].sort().join(),
      );
      expect(odd, table).toEqual([]);
    }
  });

  it('use only the allowed values, ids and ISO times', () => {
    const bad: unknown[] = [];
    const check = (ok: boolean, row: unknown): void => {
      if (!ok) bad.push(row);
    };
    for (const p of rows.pipelines)
      check(
        UUID.test(p.id) &&
          Number.isInteger(p.version) &&
          p.timeout_seconds > 0 &&
          isIso(p.created_at) &&
          isIso(p.updated_at),
        p,
      );
    for (const s of rows.pipeline_stages)
      check(
        STAGE_TYPES.includes(s.type) &&
          UUID.test(s.id) &&
          UUID.test(s.pipeline_id) &&
          typeof s.config.critical === 'boolean',
        s,
      );
    for (const x of rows.executions)
      check(
        EXECUTION_STATUSES.includes(x.status) &&
          TRIGGER_TYPES.includes(x.trigger_type) &&
          UUID.test(x.id) &&
          isIso(x.started_at) &&
          isIsoOrNull(x.completed_at) &&
          (x.duration_seconds === null || Number.isInteger(x.duration_seconds)),
        x,
      );
    for (const s of rows.execution_stages)
      check(
        STAGE_STATUSES.includes(s.status) &&
          UUID.test(s.id) &&
          isIsoOrNull(s.started_at) &&
          isIsoOrNull(s.completed_at) &&
          (s.duration_seconds === null || Number.isInteger(s.duration_seconds)),
        s,
      );
    for (const l of rows.logs)
      check(
        LOG_LEVELS.includes(l.level) &&
          l.message.length > 0 &&
          isIso(l.created_at) &&
          UUID.test(l.pipeline_id),
        l,
      );
    for (const m of rows.metrics)
      check(METRIC_TYPES.includes(m.metric_type) && Number.isFinite(m.value) && isIso(m.created_at), m);
    expect(bad).toEqual([]);
  });

  it('reference each other like the real tables (pipelines, stages, executions)', () => {
    const pipelines = new Set(rows.pipelines.map((p) => p.id));
    const stages = new Set(rows.pipeline_stages.map((s) => s.id));
    const executions = new Set(rows.executions.map((x) => x.id));
    expect(rows.pipeline_stages.every((s) => pipelines.has(s.pipeline_id))).toBe(true);
    expect(rows.executions.every((x) => pipelines.has(x.pipeline_id))).toBe(true);
    expect(rows.execution_stages.every((s) => executions.has(s.execution_id) && stages.has(s.stage_id))).toBe(
      true,
    );
    expect(
      rows.logs.every(
        (l) => pipelines.has(l.pipeline_id) && (l.execution_id === null || executions.has(l.execution_id)),
      ),
    ).toBe(true);
    for (const m of rows.metrics) {
      expect(pipelines.has(String(m.tags.pipeline_id))).toBe(true);
      expect(executions.has(String(m.tags.execution_id))).toBe(true);
      expect(stages.has(String(m.tags.stage_id))).toBe(true);
    }
  });

  it('are upserts: an execution row is running first and final last; the same runs as the events', () => {
    const states = new Map<string, string[]>();
    for (const x of rows.executions) states.set(x.id, [...(states.get(x.id) ?? []), x.status]);
    for (const seq of states.values()) {
      expect(seq[0]).toBe('running');
      expect(seq.slice(1, -1).every((s) => s === 'running')).toBe(true);
    }
    const finalRows = [...states.entries()].filter(([, seq]) => seq.at(-1) !== 'running');
    expect(finalRows.length).toBe(finalExecutions(events).length);
    const statuses = new Set(finalRows.map(([, seq]) => seq.at(-1)));
    expect(statuses).toEqual(new Set(['completed', 'failed', 'cancelled']));
    expect(rows.executions.some((x) => x.context.paused === true)).toBe(true);
    expect(rows.pipelines.some((p) => !p.is_active)).toBe(true);
    expect(rows.pipeline_stages.some((s) => s.config.skip === true)).toBe(true);
  });

  it('carry the fault labels in their JSON columns', () => {
    const labelled = rows.executions.filter(
      (x) => (x.context.labels as { fault: string | null }).fault !== null,
    );
    expect(labelled.length).toBeGreaterThan(0);
    expect(rows.metrics.every((m) => typeof m.tags.labels === 'object')).toBe(true);
    expect(rows.logs.every((l) => typeof l.metadata.labels === 'object')).toBe(true);
    expect(rows.execution_stages.every((s) => typeof s.output.labels === 'object')).toBe(true);
  });
});
