import { describe, expect, it } from 'vitest';
import { featuresAt, trainingFeatures, type PastRun, type RunContext } from './past-runs.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 5);

function run(i: number, over: Partial<PastRun> = {}): PastRun {
  const started = T0 + i * H;
  return {
    execution_id: `e${i}`,
    started_at: started,
    completed_at: started + 10 * 60_000,
    failed: false,
    duration_seconds: 600,
    retry_count: 0,
    cpu_percent: 40,
    memory_percent: 50,
    error_count: 0,
    signatures: [],
    stages: [{ name: 'extract', failed: false, retry_count: 0 }],
    trigger_type: 'scheduled',
    ...over,
  };
}

const ctx = (time: number, versionTimes: number[] = []): RunContext => ({
  time,
  trigger_type: 'scheduled',
  stages: [
    { name: 'extract', is_critical: true },
    { name: 'load', is_critical: false },
  ],
  versionTimes,
});

describe('point-in-time features', () => {
  const runs = [
    run(0),
    run(1, { failed: true, error_count: 3, signatures: ['connection_refused'], cpu_percent: 90 }),
    run(2, {
      failed: true,
      error_count: 2,
      signatures: ['timeout'],
      stages: [{ name: 'extract', failed: true, retry_count: 2 }],
    }),
    run(3),
  ];

  it('sees only runs finished before the time, never later ones', () => {
    // 1 h 5 min after run 1 started: run 1 has finished, run 2 has started but not finished.
    const t = T0 + 2 * H + 5 * 60_000;
    const p = featuresAt(runs, ctx(t));
    expect(p.features.runs_so_far).toBe(2);
    expect(p.features.prev_failed).toBe(1);
    expect(p.features.consecutive_failures).toBe(1);
    expect(p.features.recent_error_count).toBe(3); // run 1 finished 55 min before
    expect(p.features.recent_error_signatures).toBe(1);
    expect(p.features.avg_cpu_percent).toBe(65);
    expect(p.features.stage_count).toBe(2);
    expect(p.features.critical_stage_count).toBe(1);
    // Changing the future (runs 2 and 3) changes nothing.
    const future = runs.map((r, i) => (i >= 2 ? { ...r, failed: !r.failed, cpu_percent: 1 } : r));
    expect(featuresAt(future, ctx(t)).features).toEqual(p.features);
  });

  it('gives every training row the features of its own start, and the same as featuresAt', () => {
    const rows = trainingFeatures(runs, (r) => ctx(r.started_at));
    expect(rows.map((r) => r.run.execution_id)).toEqual(['e0', 'e1', 'e2', 'e3']);
    rows.forEach(({ run: r, point }) => {
      expect(point.features).toEqual(featuresAt(runs, ctx(r.started_at)).features);
    });
    expect(rows[3].point.features.consecutive_failures).toBe(2);
    expect(rows[3].point.stages.find((s) => s.name === 'extract')).toMatchObject({
      failure_rate: 1 / 3,
      retry_count: 2 / 3,
      runs: 3,
    });
    expect(rows[3].point.stages.find((s) => s.name === 'load')?.failure_rate).toBeNaN();
  });

  it('notes a recent change of the definition, and only one already seen', () => {
    const t = T0 + 10 * H;
    expect(featuresAt(runs, ctx(t, [T0 - 100 * H])).features.hours_since_version_change).toBeNaN();
    const changed = featuresAt(runs, ctx(t, [T0 - 100 * H, t - 2 * H, t + H]));
    expect(changed.features.hours_since_version_change).toBe(2);
    expect(changed.features.version_changed_24h).toBe(1);
  });
});
