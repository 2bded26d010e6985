import { describe, expect, it } from 'vitest';
import { execution, log, metric, MIN, stage, T0 } from '../monitoring/testing.js';
import { buildBaselines, emptyBaselines } from './baseline.js';
import { emptyRecord, FEATURES, hourOfRow, recordFeatures } from './features.js';
import { RecentRuns } from './recent-runs.js';
import { IncidentTracker } from './incidents.js';
import { OnlineAnomalyDetector } from './online.js';
import { RunFeatureTracker } from './run-features.js';

const ids = () => {
  let n = 0;
  return () => `id-${++n}`;
};

describe('RunFeatureTracker', () => {
  it('counts the pipeline failures of the hour before a failed run, not the run itself', () => {
    const t = new RunFeatureTracker();
    const at = (m: number, status: 'failed' | 'completed', id: string) =>
      t.observe(execution({ execution_id: id, status, event_time: T0 + m * MIN }));
    at(0, 'failed', 'a');
    at(10, 'failed', 'b');
    expect(at(20, 'failed', 'c')?.failure_count_1h).toBe(2);
    expect(at(65, 'failed', 'd')?.failure_count_1h).toBe(2); // a left the hour
    expect(at(70, 'completed', 'e')?.failure_count_1h).toBeNaN(); // a healthy run is not judged on it
    expect(at(140, 'failed', 'f')?.failure_count_1h).toBe(0);
  });

  it("collects a run's stage errors and its slowest stage against that stage's usual duration", () => {
    const t = new RunFeatureTracker();
    for (let i = 0; i < 6; i++) {
      t.observe(
        stage({ execution_id: `r${i}`, stage_name: 'load', status: 'completed', duration_seconds: 10 }),
      );
      t.observe(execution({ execution_id: `r${i}` }));
    }
    t.observe(
      stage({
        execution_id: 'slow',
        stage_id: 's1',
        stage_name: 'load',
        status: 'completed',
        duration_seconds: 30,
      }),
    );
    t.observe(
      stage({
        execution_id: 'slow',
        stage_id: 's2',
        status: 'failed',
        error_message: 'ReadTimeoutError: read timed out',
      }),
    );
    expect(t.observe(stage({ execution_id: 'slow', status: 'running' }))).toBeNull();
    const r = t.observe(execution({ execution_id: 'slow', status: 'failed', error_message: 'OOMKilled' }));
    expect(r?.stage_duration_ratio).toBeCloseTo(3, 6);
    expect(r?.stage_errors).toEqual(['ReadTimeoutError: read timed out', 'OOMKilled']);
    expect(r?.cpu_percent).toBeNaN();
  });
});

describe('RunFeatureTracker records', () => {
  it("lists a run's messages (its own, its stages', a failure's) and never changes the event's list", () => {
    const t = new RunFeatureTracker();
    const own = ['disk full'];
    const plain = t.observe(execution({ execution_id: 'a', stage_errors: own, error_message: 'ignored' }));
    expect(plain?.stage_errors).toEqual(['disk full']);
    const failed = t.observe(
      execution({ execution_id: 'b', status: 'failed', stage_errors: own, error_message: 'OOMKilled' }),
    );
    expect(failed?.stage_errors).toEqual(['disk full', 'OOMKilled']);
    t.observe(stage({ execution_id: 'c', stage_id: 's', status: 'failed', error_message: 'timeout' }));
    const withStage = t.observe(execution({ execution_id: 'c', stage_errors: own }));
    expect(withStage?.stage_errors).toEqual(['disk full', 'timeout']);
    expect(own).toEqual(['disk full']);
    // Every field of a record, in emptyRecord's order.
    const r = t.observe(execution({ execution_id: 'd', status: 'failed', event_time: T0 + MIN }));
    expect(Object.keys(r ?? {})).toEqual(Object.keys(emptyRecord()));
    expect(r).toEqual(
      emptyRecord({
        pipeline_id: r?.pipeline_id,
        execution_id: 'd',
        time: T0 + MIN,
        duration_seconds: r?.duration_seconds,
        failure_count_1h: 1,
        retry_count: r?.retry_count,
        data_volume_mb: r?.data_volume_mb,
        cpu_percent: r?.cpu_percent,
        memory_percent: r?.memory_percent,
        throughput_per_minute: r?.throughput_per_minute,
        latency_ms: r?.latency_ms,
        stage_errors: r?.stage_errors,
      }),
    );
  });
});

describe('RunFeatureTracker new-template rate', () => {
  it("is the share of a run's WARN/ERROR lines whose template was never seen, once the miner is warm", () => {
    const t = new RunFeatureTracker();
    const line = (run: string, message: string) =>
      t.observe(log({ execution_id: run, level: 'ERROR', message }));
    for (let i = 0; i < 600; i++) line(`w${i % 50}`, `connection to db-${i % 7} reset after ${i} ms`);
    expect(t.observe(execution({ execution_id: 'w1' }))?.new_template_rate).toBe(0);
    line('fresh', 'connection to db-3 reset after 12 ms');
    line('fresh', 'schema registry rejected subject orders-value version 14');
    expect(t.observe(execution({ execution_id: 'fresh' }))?.new_template_rate).toBe(0.5);
    expect(t.observe(execution({ execution_id: 'quiet' }))?.new_template_rate).toBeNaN();
  });
});

describe('RecentRuns', () => {
  it('keeps the last runs per pipeline in a fixed ring and builds baselines from them', () => {
    const recent = new RecentRuns(12);
    const row = (d: number) => recordFeatures(emptyRecord({ duration_seconds: d }));
    for (let i = 0; i < 30; i++) recent.add('p', row(i));
    for (let i = 0; i < 5; i++) recent.add('q', row(100));
    const b = recent.baselines(T0);
    expect(b.pipelines.get('p')?.samples).toBe(12);
    expect(b.pipelines.get('p')?.features[0]?.median).toBe(23.5); // runs 18..29
    expect(b.pipelines.has('q')).toBe(false); // fewer than 10 runs: the fleet's baseline serves it
    expect(b.fleet?.samples).toBe(17);
  });

  it('keeps each hour of the day apart, so a busy hour cannot push the quiet ones out', () => {
    const recent = new RecentRuns(4);
    const at = (hour: number, d: number) =>
      recordFeatures(emptyRecord({ time: T0 - (T0 % 86_400_000) + hour * 3_600_000, duration_seconds: d }));
    for (let i = 0; i < 50; i++) recent.add('p', at(14, 100));
    recent.add('p', at(2, 10));
    recent.add('p', at(3, 10));
    const b = recent.baselines(T0);
    expect(b.fleet?.samples).toBe(6); // 4 of 14:00, and both night runs
  });
  it('holds exactly the rows a ring of row copies would, in the same order, whatever the caller does with its row', () => {
    // The former layout: one copied Float64Array per run, the oldest of a full ring overwritten.
    const rings = new Map<string, { rows: Float64Array[]; next: number }[]>();
    const reference = (perHour: number, pipelineId: string, features: Float64Array) => {
      let r = rings.get(pipelineId);
      if (r === undefined)
        rings.set(pipelineId, (r = Array.from({ length: 25 }, () => ({ rows: [], next: 0 }))));
      const hour = hourOfRow(features);
      const ring = r[hour === null ? 24 : Math.floor(hour)];
      if (ring.rows.length < perHour) ring.rows.push(features.slice(0, FEATURES.length));
      else ring.rows[ring.next].set(features.subarray(0, FEATURES.length));
      ring.next = (ring.next + 1) % perHour;
    };
    const referenceRows = () =>
      [...rings].flatMap(([pipeline_id, r]) =>
        r.flatMap((ring) => ring.rows.map((features) => ({ pipeline_id, features }))),
      );
    for (const perHour of [1, 3, 24]) {
      rings.clear();
      const recent = new RecentRuns(perHour);
      const row = new Float64Array(FEATURES.length); // one row reused by the caller, as online detection does
      for (let i = 0; i < 2000; i++) {
        const known = i % 11 !== 0;
        recordFeatures(
          emptyRecord({
            time: known ? T0 + ((i * 7919) % 97) * 1_800_000 : null,
            duration_seconds: i,
            cpu_percent: (i * 31) % 100,
          }),
          row,
        );
        const pipeline = `p${(i * 13) % 5}`;
        recent.add(pipeline, row);
        reference(perHour, pipeline, row);
        if (i % 250 === 249) expect(recent.baselines(T0)).toEqual(buildBaselines(referenceRows(), T0));
      }
    }
  });
});

describe('OnlineAnomalyDetector.warm', () => {
  it('replays history into the online state without judging it', () => {
    const warm = new OnlineAnomalyDetector({
      newId: ids(),
      current: () => ({ model: null, baselines: emptyBaselines() }),
    });
    const cold = new OnlineAnomalyDetector({
      newId: ids(),
      current: () => ({ model: null, baselines: emptyBaselines() }),
    });
    const past = (i: number) =>
      execution({ execution_id: `h${i}`, status: 'failed', event_time: T0 - (5 - i) * MIN });
    for (let i = 0; i < 4; i++) expect(warm.warm(past(i))?.execution_id).toBe(`h${i}`);
    expect(warm.incidents.openIncidents()).toEqual([]);
    // Four failures in the hour before: a failure spike only for the detector that remembers them.
    const now = execution({ execution_id: 'now', status: 'failed', event_time: T0 });
    expect(warm.observe(now).anomalies[0]?.reasons.join(' ')).toContain('failure spike');
    expect(cold.observe(now).anomalies).toEqual([]);
  });
});

describe('IncidentTracker', () => {
  it('keeps one open incident per pipeline and kind, resolved by normal runs or by quiet time', () => {
    const t = new IncidentTracker({ newId: ids(), resolveAfterMs: 30 * MIN, resolveAfterNormalRuns: 2 });
    const a = (pipeline: string, kind: 'execution' | 'metric', m: number) =>
      t.onAnomaly({ pipeline_id: pipeline, kind, time: T0 + m * MIN, score: 0.7 + m / 1000, title: 'x' });
    expect(a('p', 'execution', 0)).toMatchObject({ opened: true, incident: { id: 'id-1' } });
    expect(a('p', 'execution', 5)).toMatchObject({
      opened: false,
      incident: { id: 'id-1', anomaly_count: 2 },
    });
    expect(a('p', 'metric', 6).incident?.id).toBe('id-2');
    expect(a('q', 'execution', 6).incident?.id).toBe('id-3');
    expect(t.onNormalRun('p', T0 + 10 * MIN)).toEqual([]);
    expect(t.onNormalRun('p', T0 + 15 * MIN)).toMatchObject([
      { id: 'id-1', status: 'resolved', resolved_at: T0 + 15 * MIN, anomaly_count: 2 },
    ]);
    expect(t.sweep(T0 + 35 * MIN)).toEqual([]);
    expect(t.sweep(T0 + 36 * MIN).map((i) => [i.id, i.resolved_at])).toEqual([
      ['id-2', T0 + 36 * MIN],
      ['id-3', T0 + 36 * MIN],
    ]);
    expect(a('p', 'execution', 40)).toMatchObject({ opened: true, incident: { id: 'id-4' } });
    // A late anomaly after a quiet stretch resolves the old incident first, then opens a new one.
    const late = a('p', 'execution', 80);
    expect(late.resolved.map((i) => i.id)).toEqual(['id-4']);
    expect(late).toMatchObject({ opened: true, incident: { id: 'id-5' } });
  });

  it('resolves a quiet execution incident at its expiry when the next run is normal, and only once', () => {
    const t = new IncidentTracker({ newId: ids(), resolveAfterMs: 30 * MIN, resolveAfterNormalRuns: 3 });
    t.onAnomaly({ pipeline_id: 'p', kind: 'execution', time: T0, score: 0.8, title: 'x' });
    t.onAnomaly({ pipeline_id: 'p', kind: 'metric', time: T0, score: 0.8, title: 'y' });
    expect(t.onNormalRun('p', T0 + 29 * MIN)).toEqual([]);
    expect(t.onNormalRun('p', T0 + 45 * MIN)).toMatchObject([
      { id: 'id-1', status: 'resolved', resolved_at: T0 + 30 * MIN },
    ]);
    expect(t.onNormalRun('p', T0 + 46 * MIN)).toEqual([]);
    expect(t.openIncidents().map((i) => i.id)).toEqual(['id-2']);
  });
});

describe('OnlineAnomalyDetector', () => {
  const make = () =>
    new OnlineAnomalyDetector({
      newId: ids(),
      current: () => ({ model: null, baselines: emptyBaselines() }),
    });

  it('judges finished runs, skips repeats, and groups anomalies into an incident', () => {
    const d = make();
    const burst = execution({ execution_id: 'r1', retry_count: 5, event_time: T0 });
    const out = d.observe(burst);
    expect(out.anomalies).toHaveLength(1);
    expect(out.anomalies[0]).toMatchObject({
      kind: 'execution',
      execution_id: 'r1',
      algorithm: 'zscore_rules',
    });
    expect(out.incidents).toMatchObject([{ opened: true, incident: { status: 'open' } }]);
    expect(d.observe(burst, 'unchanged').anomalies).toEqual([]);
    expect(d.observe(execution({ execution_id: 'r2', event_time: T0 + MIN })).anomalies).toEqual([]);
  });

  it('judges metric series one by one and alerts on a spike after a steady stretch', () => {
    const d = make();
    let found = 0;
    for (let i = 0; i < 400; i++) {
      const value = 40 + (i % 7) * 0.5;
      found += d.observe(metric({ name: 'cpu_percent', value, event_time: T0 + i * MIN })).anomalies.length;
    }
    expect(found).toBe(0);
    const spike = d.observe(metric({ name: 'cpu_percent', value: 99, event_time: T0 + 400 * MIN }));
    expect(spike.anomalies).toMatchObject([
      { kind: 'metric', metric: 'cpu_percent', algorithm: 'streaming' },
    ]);
    expect(spike.anomalies[0].reasons[0]).toMatch(
      /^cpu_percent = 99 is unlike this pipeline's recent values/,
    );
    expect(d.observe(metric({ name: 'not_judged', value: 1e9 })).anomalies).toEqual([]);
    expect(d.streams.stats().series).toBe(1);
  });
});
