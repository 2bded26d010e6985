import { describe, expect, it } from 'vitest';
import { FakeClock } from '../shared/index.js';
import { MonitoringEngine } from './engine.js';
import { execution, log, metric, MIN, stage, T0 } from './testing.js';

const HOUR = 60 * MIN;

function setup(maxEventsPerPipeline = 10_000) {
  const clock = new FakeClock(T0);
  const engine = new MonitoringEngine({ windowMs: HOUR, maxEventsPerPipeline, clock });
  return { clock, engine };
}

describe('event identity', () => {
  it('ignores a repeat of the same state', () => {
    const { engine } = setup();
    const e = execution({ execution_id: 'x1', duration_seconds: 10 });
    expect(engine.apply(e)).toBe('new');
    expect(engine.apply({ ...e, received_at: e.received_at + 5 })).toBe('unchanged');
    expect(engine.snapshot('p1')!.sampled_events).toBe(1);
  });

  it('replaces running by completed: one record, the later values', () => {
    const { clock, engine } = setup();
    const start = T0 - 10 * MIN;
    engine.apply(execution({ execution_id: 'x1', status: 'running', started_at: start, event_time: start }));
    const done = execution({
      execution_id: 'x1',
      status: 'failed',
      started_at: start,
      completed_at: clock.now(),
      duration_seconds: 600,
      error_message: 'timeout',
    });
    expect(engine.apply(done)).toBe('replace');
    const s = engine.snapshot('p1')!;
    expect(s.sampled_events).toBe(1);
    expect(s.metrics.failure_rate).toBe(1);
    expect(s.metrics.avg_duration_seconds).toBe(600);
    expect(s.metrics.windowed_events).toBe(1);
  });

  it('ignores an older state that arrives after a later one', () => {
    const { engine } = setup();
    engine.apply(execution({ execution_id: 'x1', status: 'completed', duration_seconds: 60 }));
    expect(engine.apply(execution({ execution_id: 'x1', status: 'running', event_time: T0 - MIN }))).toBe(
      'unchanged',
    );
    const s = engine.snapshot('p1')!;
    expect(s.sampled_events).toBe(1);
    expect(s.metrics.avg_duration_seconds).toBe(60);
  });

  it('counts records without ids as new events each time', () => {
    const { engine } = setup();
    for (let i = 0; i < 3; i++) expect(engine.apply(execution({ duration_seconds: 5 }))).toBe('new');
    expect(engine.snapshot('p1')!.sampled_events).toBe(3);
  });

  it('replaces a stage state and its error pattern', () => {
    const { engine } = setup();
    engine.apply(stage({ stage_name: 'load', status: 'failed', error_message: 'disk full' }));
    engine.apply(stage({ stage_name: 'load', status: 'failed', error_message: 'quota 5 exceeded' }));
    const s = engine.snapshot('p1')!;
    expect(s.metrics.stage_failure_counts).toEqual({ load: 1 });
    expect(s.signals.dominant_error_patterns.map((p) => p.pattern)).toEqual(['quota <num> exceeded']);
  });

  it('replaces a previous-window record by its later state in the live window', () => {
    const { clock, engine } = setup();
    engine.apply(execution({ execution_id: 'x1', status: 'running', event_time: T0 }));
    clock.advance(HOUR + MIN);
    expect(engine.snapshot('p1')!.metrics.previous_window.sampled_events).toBe(1);
    engine.apply(
      execution({ execution_id: 'x1', status: 'completed', event_time: clock.now(), duration_seconds: 3 }),
    );
    const s = engine.snapshot('p1')!;
    expect(s.sampled_events).toBe(1);
    expect(s.metrics.previous_window.sampled_events).toBe(0);
  });
});

describe('the window', () => {
  it('lets events leave as the clock advances, into the previous window, then out', () => {
    const { clock, engine } = setup();
    engine.apply(execution({ event_time: T0, duration_seconds: 1 }));
    engine.apply(log({ event_time: T0 + 30 * MIN, message: 'x failed' }));
    clock.advance(30 * MIN);
    expect(engine.snapshot('p1')!.sampled_events).toBe(1);
    clock.advance(30 * MIN);
    expect(engine.snapshot('p1')!.sampled_events).toBe(1); // exactly w old: still in
    clock.advance(1);
    let s = engine.snapshot('p1')!;
    expect(s.sampled_events).toBe(0);
    expect(s.metrics.windowed_events).toBe(1);
    expect(s.metrics.previous_window.sampled_events).toBe(1);
    clock.advance(HOUR);
    s = engine.snapshot('p1')!;
    expect(s.metrics.windowed_events).toBe(0);
    expect(s.metrics.previous_window.sampled_events).toBe(0);
    expect(engine.stats()).toEqual({ pipelines: 1, windowedEvents: 0, historyEvents: 0 });
  });

  it('keeps at most maxEventsPerPipeline live events, the oldest leaving first', () => {
    const { engine } = setup(3);
    for (let i = 0; i < 5; i++)
      engine.apply(execution({ event_time: T0 - (5 - i) * MIN, duration_seconds: i }));
    engine.apply(execution({ event_time: T0 - 10 * MIN, duration_seconds: 100 })); // older than all: leaves at once
    const s = engine.snapshot('p1')!;
    expect(s.sampled_events).toBe(3);
    expect(s.metrics.avg_duration_seconds).toBe(3); // 2, 3, 4
    expect(s.metrics.previous_window.sampled_events).toBe(3); // 0 and 1 pushed out by the cap, then 100
    expect(engine.stats()).toEqual({ pipelines: 1, windowedEvents: 3, historyEvents: 3 });
  });

  it('places late events by event time', () => {
    const { clock, engine } = setup();
    engine.apply(execution({ event_time: T0, latency_ms: 1 }));
    engine.apply(execution({ event_time: T0 - 50 * MIN, latency_ms: 2 }));
    engine.apply(execution({ event_time: T0 - 10 * MIN, latency_ms: 3 }));
    clock.advance(15 * MIN); // the T0 − 50 min record leaves
    const s = engine.snapshot('p1')!;
    expect(s.sampled_events).toBe(2);
    expect(s.metrics.avg_latency_ms).toBe(2);
  });

  it('remembers a pipeline whose only event is older than the window, with a zero snapshot', () => {
    const { engine } = setup();
    expect(engine.apply(execution({ pipeline_id: 'old', event_time: T0 - 3 * HOUR, status: 'failed' }))).toBe(
      'new',
    );
    expect(engine.has('old')).toBe(true);
    const s = engine.snapshot('old')!;
    expect(s.sampled_events).toBe(0);
    expect(s.metrics.failure_rate).toBe(0);
    expect(s.metrics.previous_window.sampled_events).toBe(0);
    expect(s.signals).toMatchObject({
      latency_spike_detected: false,
      throughput_drop_detected: false,
      dominant_error_patterns: [],
    });
    expect(s.health).toEqual({
      score: 1,
      status: 'healthy',
      reasons: ['no runs in the last 60 min'],
      factors: [],
    });
  });

  it('answers undefined for a pipeline never seen', () => {
    const { engine } = setup();
    expect(engine.snapshot('nope')).toBeUndefined();
    expect(engine.has('nope')).toBe(false);
  });

  it('sheds idle pipelines round-robin while other pipelines receive events', () => {
    const { clock, engine } = setup();
    engine.apply(execution({ pipeline_id: 'idle' }));
    clock.advance(3 * HOUR);
    engine.apply(metric({ pipeline_id: 'busy', name: 'cpu_percent', value: 1, event_time: clock.now() }));
    engine.apply(metric({ pipeline_id: 'busy', name: 'cpu_percent', value: 2, event_time: clock.now() }));
    expect(engine.stats()).toEqual({ pipelines: 2, windowedEvents: 2, historyEvents: 0 });
  });
});

describe('snapshot cache', () => {
  it('returns the cached snapshot until the window changes, with a fresh generated_at', () => {
    const { clock, engine } = setup();
    engine.apply(execution({ event_time: T0, duration_seconds: 10 }));
    const a = engine.snapshot('p1')!;
    expect(engine.snapshot('p1')).toBe(a);
    clock.advance(1000);
    const b = engine.snapshot('p1')!;
    expect(b.metrics).toBe(a.metrics);
    expect(b.generated_at).toBe(new Date(T0 + 1000).toISOString());
    engine.apply(execution({ event_time: clock.now(), duration_seconds: 20 }));
    expect(engine.snapshot('p1')!.metrics.avg_duration_seconds).toBe(15);
  });
});

describe('list', () => {
  it('orders worst health first, with limit, offset and total', () => {
    const { engine } = setup();
    const run = (pipeline_id: string, status: 'completed' | 'failed') =>
      engine.apply(execution({ pipeline_id, status }));
    for (const s of ['completed', 'failed', 'failed', 'failed'] as const) run('bad', s);
    for (const s of ['completed', 'completed', 'completed', 'failed'] as const) run('meh', s);
    for (let i = 0; i < 4; i++) run('good', 'completed');
    engine.apply(execution({ pipeline_id: 'quiet', event_time: T0 - 5 * HOUR }));
    const all = engine.list({ limit: 50, offset: 0 });
    expect(all.total).toBe(4);
    expect(all.items.map((i) => i.pipeline_id)).toEqual(['bad', 'meh', 'good', 'quiet']);
    expect(all.items[0]).toEqual({
      pipeline_id: 'bad',
      health_score: 0,
      sampled_events: 4,
      failure_rate: 0.75,
      reasons: ['failure rate 75% over the last 60 min (3 of 4 runs)'],
    });
    expect(all.items[1].health_score).toBeCloseTo(0.625, 9);
    const page = engine.list({ limit: 2, offset: 1 });
    expect(page.total).toBe(4);
    expect(page.items.map((i) => i.pipeline_id)).toEqual(['meh', 'good']);
    expect(engine.list({ limit: 10, offset: 10 }).items).toEqual([]);
  });
});

describe('options', () => {
  it('refuses a window or cap that makes no sense', () => {
    const clock = new FakeClock();
    expect(() => new MonitoringEngine({ windowMs: 0, maxEventsPerPipeline: 1, clock })).toThrow(/windowMs/);
    expect(() => new MonitoringEngine({ windowMs: 1, maxEventsPerPipeline: 0.5, clock })).toThrow(
      /maxEventsPerPipeline/,
    );
  });
});

describe('sampledEvents', () => {
  it('equals the snapshot count, undefined for a never-seen pipeline', () => {
    const clock = new FakeClock(T0);
    const engine = new MonitoringEngine({ windowMs: 60_000, maxEventsPerPipeline: 100, clock });
    expect(engine.sampledEvents('p')).toBeUndefined();
    engine.apply(execution({ pipeline_id: 'p', event_time: T0 }));
    engine.apply(execution({ pipeline_id: 'p', event_time: T0 }));
    expect(engine.sampledEvents('p')).toBe(engine.snapshot('p')!.sampled_events);
    expect(engine.sampledEvents('p')).toBe(2);
    clock.advance(61_000);
    expect(engine.sampledEvents('p')).toBe(0);
  });
});
