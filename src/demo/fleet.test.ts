import { describe, expect, it } from 'vitest';
import { createFleet } from './fleet.js';
import { finalExecutions, HOUR, MIN, T0 } from './testing.js';
import { STAGE_TYPES } from './types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const opts = { seed: 11, pipelines: 5, startMs: T0, faultRate: 0.6 };

describe('demo fleet', () => {
  it('names the pipeline that runs most often as the busiest', () => {
    const fleet = createFleet({ ...opts, pipelines: 30, faultRate: 0 });
    const runs = new Map<string, number>();
    for (const e of finalExecutions(fleet.advanceTo(T0 + 4 * HOUR).events))
      runs.set(e.pipeline_id, (runs.get(e.pipeline_id) ?? 0) + 1);
    // Runs of webhook-triggered pipelines come at random, so "most often" allows a little slack.
    expect(runs.get(fleet.busiestPipeline())).toBeGreaterThanOrEqual(0.8 * Math.max(...runs.values()));
  });

  it('builds N named pipelines with 3-8 typed stages, stable ids and kept definition versions', () => {
    const fleet = createFleet({ ...opts, pipelines: 30 });
    const pipelines = fleet.pipelines();
    expect(pipelines).toHaveLength(30);
    expect(new Set(pipelines.map((p) => p.name)).size).toBe(30);
    expect(pipelines.map((p) => p.name)).toContain('orders-etl');
    for (const p of pipelines) {
      expect(p.id).toMatch(UUID);
      expect(p.stages.length).toBeGreaterThanOrEqual(3);
      expect(p.stages.length).toBeLessThanOrEqual(8);
      expect(p.stages.map((s) => s.order_index)).toEqual(p.stages.map((_, i) => i));
      for (const s of p.stages) expect(STAGE_TYPES).toContain(s.type);
      expect(p.stages[0].type).toBe('input');
      expect(p.stages.some((s) => s.type === 'validation')).toBe(true);
      expect(p.timeout_seconds).toBeGreaterThan(0);
      expect(p.versions.map((v) => v.version)).toEqual(p.versions.map((_, i) => i + 1));
      expect(p.version).toBe(p.versions.length);
      if (p.trigger_type === 'scheduled') expect(p.schedule_cron).toMatch(/^\*\/\d+ \* \* \* \*$/);
    }
    expect(createFleet({ ...opts, pipelines: 30 }).pipelines()).toEqual(pipelines);
  });

  it('replays exactly for a seed and differs for another seed', () => {
    const a = createFleet(opts).advanceTo(T0 + HOUR);
    const b = createFleet(opts).advanceTo(T0 + HOUR);
    const c = createFleet({ ...opts, seed: 12 }).advanceTo(T0 + HOUR);
    expect(a.events.length).toBeGreaterThan(500);
    // Strings compare thousands of objects far faster than a deep toEqual.
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c.events)).not.toBe(JSON.stringify(a.events));
  });

  it('gives the same events, rows and faults however the advances are chunked', () => {
    const end = T0 + 2 * HOUR;
    const whole = createFleet(opts);
    const once = whole.advanceTo(end);
    const chunked = createFleet(opts);
    const events = [];
    const executions = [];
    const logRows = [];
    const started = [];
    const steps = [1, 999, MIN, 7_777, 5 * MIN, 0, 13 * MIN];
    for (let t = T0, i = 0; t < end; i++) {
      t = Math.min(end, t + steps[i % steps.length]);
      const r = chunked.advanceTo(t);
      events.push(...r.events);
      executions.push(...r.rows.executions);
      logRows.push(...r.rows.logs);
      started.push(...r.faults_started);
    }
    expect(JSON.stringify(events)).toBe(JSON.stringify(once.events));
    expect(JSON.stringify(executions)).toBe(JSON.stringify(once.rows.executions));
    expect(JSON.stringify(logRows)).toBe(JSON.stringify(once.rows.logs));
    expect(started).toEqual(once.faults_started);
    expect(chunked.episodes()).toEqual(whole.episodes());
  });

  it('emits events in time order within (from, to], never past the advance', () => {
    const fleet = createFleet(opts);
    fleet.advanceTo(T0 + 30 * MIN);
    const r = fleet.advanceTo(T0 + 90 * MIN);
    expect(r.from).toBe(T0 + 30 * MIN);
    const times = r.events.map((e) => e.event_time);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(Math.min(...times)).toBeGreaterThan(T0 + 30 * MIN);
    expect(Math.max(...times)).toBeLessThanOrEqual(T0 + 90 * MIN);
    expect(() => fleet.advanceTo(T0)).toThrow(RangeError);
  });

  it('reports each execution as running at its start and in a final state at its end, same id', () => {
    const { events } = createFleet(opts).advanceTo(T0 + 2 * HOUR);
    const running = new Map<string, number>();
    for (const e of events)
      if (e.kind === 'execution' && e.status === 'running') running.set(e.key, e.event_time);
    const finals = finalExecutions(events);
    expect(finals.length).toBeGreaterThan(30);
    for (const x of finals) {
      expect(running.get(x.key)).toBe(x.started_at);
      expect(x.completed_at).toBe(x.event_time);
      expect(x.duration_seconds).toBeCloseTo(((x.completed_at ?? 0) - (x.started_at ?? 0)) / 1000, 3);
      expect(x.trigger_type).toMatch(/^(scheduled|webhook)$/);
    }
    const statuses = new Set(finals.map((x) => x.status));
    expect(statuses.has('completed')).toBe(true);
    expect(statuses.has('failed')).toBe(true);
  });

  it('labels every event, null when normal', () => {
    const { events } = createFleet({ ...opts, emit: 'events' }).advanceTo(T0 + 2 * HOUR);
    const unlabelled = events.filter(
      (e) => e.labels === undefined || (e.labels.fault === null) !== (e.labels.fault_id === null),
    );
    expect(unlabelled).toEqual([]);
    expect(events.some((e) => e.labels?.fault === null)).toBe(true);
    expect(events.some((e) => e.labels?.fault !== null)).toBe(true);
  });

  it('has realistic numbers: durations vary, resources in 0-100, a daily cycle in load', () => {
    const fleet = createFleet({ ...opts, pipelines: 1, faultRate: 0, emit: 'events' });
    const { events } = fleet.advanceTo(T0 + 24 * HOUR);
    const finals = finalExecutions(events).filter((x) => x.status === 'completed');
    for (const x of finals) {
      expect(x.cpu_percent).toBeGreaterThan(0);
      expect(x.cpu_percent).toBeLessThanOrEqual(100);
      expect(x.memory_percent).toBeLessThanOrEqual(100);
      expect(x.throughput_per_minute).toBeGreaterThan(0);
      expect(x.latency_ms).toBeGreaterThan(0);
      expect(x.data_volume_mb).toBeGreaterThan(0);
    }
    const first = fleet.pipelines()[0].id;
    const mine = finals.filter((x) => x.pipeline_id === first);
    const hourOf = (x: { started_at: number | null }): number => new Date(x.started_at ?? 0).getUTCHours();
    const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;
    const afternoon = mean(
      mine.filter((x) => hourOf(x) >= 13 && hourOf(x) < 17).map((x) => x.duration_seconds),
    );
    const night = mean(mine.filter((x) => hourOf(x) >= 1 && hourOf(x) < 5).map((x) => x.duration_seconds));
    expect(afternoon).toBeGreaterThan(night * 1.1);
    const durations = mine.map((x) => x.duration_seconds);
    expect(Math.max(...durations)).toBeGreaterThan(Math.min(...durations) * 1.2);
  });
});
