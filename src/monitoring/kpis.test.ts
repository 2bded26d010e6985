import { describe, expect, it } from 'vitest';
import { FakeClock } from '../shared/index.js';
import { MonitoringEngine } from './engine.js';
import { execution, log, metric, MIN, stage, T0 } from './testing.js';

const HOUR = 60 * MIN;

function setup(windowMs = HOUR) {
  const clock = new FakeClock(T0);
  const engine = new MonitoringEngine({ windowMs, maxEventsPerPipeline: 10_000, clock });
  return { clock, engine, snap: () => engine.snapshot('p1')! };
}

describe('failure rate and retry frequency', () => {
  it('counts failed status or stage failures over all records; retries from runs and stages', () => {
    const { engine, snap } = setup();
    engine.apply(execution({ status: 'failed', retry_count: 1 }));
    engine.apply(execution({ status: 'completed', stage_failures: 2, retry_count: 2 }));
    engine.apply(execution({ status: 'completed' }));
    engine.apply(execution({ status: 'running' }));
    engine.apply(execution({ status: 'cancelled' }));
    engine.apply(stage({ execution_id: 'x9', stage_name: 'load', status: 'failed', retry_count: 3 }));
    const m = snap().metrics;
    expect(snap().sampled_events).toBe(5);
    expect(m.failed_runs).toBe(2);
    expect(m.failure_rate).toBe(2 / 5);
    expect(m.retries).toBe(6);
    expect(m.retry_frequency).toBe(6 / 5);
    expect(m.windowed_events).toBe(6);
  });
});

describe('averages', () => {
  it('leave out null values and mix in metric events', () => {
    const { engine, snap } = setup();
    engine.apply(execution({ cpu_percent: 50, memory_percent: 40, latency_ms: 100, data_volume_mb: 10 }));
    engine.apply(execution({ cpu_percent: null, memory_percent: 60, throughput_per_minute: 30 }));
    engine.apply(execution({ cpu_percent: 70, memory_percent: null }));
    engine.apply(metric({ name: 'cpu_percent', value: 90 }));
    engine.apply(metric({ name: 'throughput_per_minute', value: 50 }));
    engine.apply(metric({ name: 'latency_ms', value: 300, event_time: T0 + 1 }));
    engine.apply(metric({ name: 'data_volume_mb', value: 30 }));
    engine.apply(metric({ name: 'queue_depth', value: 1e6 }));
    const m = snap().metrics;
    expect(m.avg_cpu_percent).toBe(70); // (50 + 70 + 90) / 3
    expect(m.avg_memory_percent).toBe(50); // (40 + 60) / 2
    expect(m.avg_throughput_per_minute).toBe(40); // (30 + 50) / 2
    expect(m.avg_latency_ms).toBe(200);
    expect(m.avg_data_volume_mb).toBe(20);
    expect(m.samples).toEqual({
      duration: 3,
      cpu_percent: 3,
      memory_percent: 2,
      throughput_per_minute: 2,
      latency_ms: 2,
      data_volume_mb: 2,
    });
  });

  it('answer 0 when nothing was reported, as the original did', () => {
    const { engine, snap } = setup();
    engine.apply(execution({}));
    const m = snap().metrics;
    expect([m.avg_cpu_percent, m.avg_memory_percent, m.avg_latency_ms, m.avg_throughput_per_minute]).toEqual([
      0, 0, 0, 0,
    ]);
    expect(m.samples.cpu_percent).toBe(0);
  });

  it('take durations from finished runs and runs that already report one', () => {
    const { engine, snap } = setup();
    engine.apply(execution({ status: 'completed', duration_seconds: 100 }));
    engine.apply(execution({ status: 'failed', duration_seconds: 50 }));
    engine.apply(execution({ status: 'running', duration_seconds: 0 }));
    engine.apply(execution({ status: 'running', duration_seconds: 30 }));
    const m = snap().metrics;
    expect(m.avg_duration_seconds).toBe(60);
    expect(m.samples.duration).toBe(3);
  });

  it('p95 duration is the nearest-rank value', () => {
    const { engine, snap } = setup();
    for (let d = 20; d >= 1; d--) engine.apply(execution({ duration_seconds: d, event_time: T0 - d }));
    expect(snap().metrics.p95_duration_seconds).toBe(19);
  });
});

describe('duration trend', () => {
  it('is the least-squares slope of duration over event time, in seconds per hour', () => {
    // x = 0, 1, 2 h; y = 10, 14, 21 → x̄ = 1, ȳ = 15, Sxy = 5 + 0 + 6 = 11, Sxx = 2 → 5.5 s/h
    const { clock, engine, snap } = setup(3 * HOUR);
    clock.advance(2 * HOUR);
    engine.apply(execution({ duration_seconds: 10, event_time: T0 }));
    engine.apply(execution({ duration_seconds: 21, event_time: T0 + 2 * HOUR }));
    engine.apply(execution({ duration_seconds: 14, event_time: T0 + HOUR }));
    expect(snap().metrics.duration_trend.slope_seconds_per_hour).toBeCloseTo(5.5, 9);
  });

  it('stays exact as runs leave the window and new ones arrive', () => {
    const { clock, engine, snap } = setup(HOUR);
    // 100 runs, one per minute, duration = 2 · minute → slope 120 s/h; at minute 99 the window
    // [now − 60 min, now] keeps minutes 39..99 (an event exactly w old is not yet older than the window)
    for (let i = 0; i < 100; i++) {
      engine.apply(execution({ duration_seconds: 2 * i, event_time: clock.now() }));
      clock.advance(MIN);
    }
    clock.set(T0 + 99 * MIN);
    expect(snap().sampled_events).toBe(61);
    expect(snap().metrics.duration_trend.slope_seconds_per_hour).toBeCloseTo(120, 6);
    expect(snap().metrics.avg_duration_seconds).toBeCloseTo(2 * 69, 9);
  });

  it('is null below 3 runs or when the runs share one instant', () => {
    const { engine, snap } = setup();
    engine.apply(execution({ duration_seconds: 1 }));
    engine.apply(execution({ duration_seconds: 2, event_time: T0 - MIN }));
    expect(snap().metrics.duration_trend.slope_seconds_per_hour).toBeNull();
    const other = setup();
    for (const d of [1, 2, 3]) other.engine.apply(execution({ duration_seconds: d }));
    expect(other.snap().metrics.duration_trend.slope_seconds_per_hour).toBeNull();
  });

  it('compares the mean with the previous window (% change)', () => {
    const { clock, engine, snap } = setup(HOUR);
    for (const d of [90, 100, 110]) engine.apply(execution({ duration_seconds: d, event_time: clock.now() }));
    engine.apply(execution({ status: 'failed', duration_seconds: 100, event_time: clock.now() }));
    clock.advance(61 * MIN);
    for (const d of [140, 150, 160])
      engine.apply(execution({ duration_seconds: d, event_time: clock.now() }));
    const m = snap().metrics;
    expect(m.previous_window).toEqual({
      sampled_events: 4,
      failed_runs: 1,
      failure_rate: 0.25,
      retry_frequency: 0,
      avg_duration_seconds: 100,
      duration_samples: 4,
    });
    expect(m.duration_trend.change_percent).toBeCloseTo(50, 9);
  });

  it('counts late records of the previous window in it', () => {
    const { clock, engine, snap } = setup(HOUR);
    clock.advance(2 * HOUR);
    engine.apply(execution({ duration_seconds: 200, event_time: clock.now() - 90 * MIN }));
    engine.apply(execution({ duration_seconds: 300, event_time: clock.now() }));
    const m = snap().metrics;
    expect(snap().sampled_events).toBe(1);
    expect(m.previous_window.sampled_events).toBe(1);
    expect(m.duration_trend.change_percent).toBeCloseTo(50, 9);
  });
});

describe('per-stage failure counts', () => {
  it('count failed stage runs by stage name, worst first, a retried stage once', () => {
    const { engine, snap } = setup();
    engine.apply(stage({ execution_id: 'a', stage_name: 'extract', status: 'completed' }));
    engine.apply(stage({ execution_id: 'a', stage_name: 'load', status: 'failed' }));
    engine.apply(stage({ execution_id: 'b', stage_name: 'load', status: 'running' }));
    engine.apply(stage({ execution_id: 'b', stage_name: 'load', status: 'failed', event_time: T0 + 1 }));
    engine.apply(stage({ execution_id: 'c', stage_name: 'transform', status: 'failed' }));
    const counts = snap().metrics.stage_failure_counts;
    expect(counts).toEqual({ load: 2, transform: 1, extract: 0 });
    expect(Object.keys(counts)).toEqual(['load', 'transform', 'extract']);
  });
});

describe('dominant error patterns', () => {
  it('group messages by their masked shape with count and share, top 5', () => {
    const { engine, snap } = setup();
    engine.apply(execution({ status: 'failed', error_message: 'timeout after 30s on 10.0.0.7' }));
    engine.apply(execution({ status: 'failed', error_message: 'timeout after 45s on 10.0.0.9' }));
    // error_message repeated in stage_errors counts once for the record
    engine.apply(
      execution({
        status: 'failed',
        error_message: 'timeout after 5s on 10.0.0.1',
        stage_errors: ['timeout after 5s on 10.0.0.1', 'disk /var/x full'],
      }),
    );
    engine.apply(stage({ status: 'failed', error_message: 'disk /data/y full' }));
    engine.apply(log({ level: 'ERROR', message: 'auth failed for user "bob"' }));
    engine.apply(log({ level: 'WARN', message: 'slow query 1200 ms' }));
    engine.apply(log({ level: 'INFO', message: 'timeout after 1s on 10.0.0.2 (info only)' }));
    for (const m of ['oom a', 'oom b', 'oom c']) engine.apply(log({ level: 'ERROR', message: m }));
    const patterns = snap().signals.dominant_error_patterns;
    const total = 3 + 2 + 1 + 1 + 3;
    expect(patterns).toEqual([
      { pattern: 'timeout after <num>s on <ip>', count: 3, share: 3 / total },
      { pattern: 'disk <path> full', count: 2, share: 2 / total },
      { pattern: 'auth failed for user <str>', count: 1, share: 1 / total },
      { pattern: 'oom a', count: 1, share: 1 / total },
      { pattern: 'oom b', count: 1, share: 1 / total },
    ]);
  });

  it('forget a pattern when its events leave the window', () => {
    const { clock, engine, snap } = setup();
    engine.apply(log({ message: 'boom 1' }));
    clock.advance(61 * MIN);
    expect(snap().signals.dominant_error_patterns).toEqual([]);
  });
});
