import { describe, expect, it } from 'vitest';
import { FakeClock } from '../shared/index.js';
import { MonitoringEngine } from './engine.js';
import { formatNumber, statusOf } from './health.js';
import { execution, metric, MIN, T0 } from './testing.js';

const HOUR = 60 * MIN;

function setup() {
  const clock = new FakeClock(T0);
  const engine = new MonitoringEngine({ windowMs: HOUR, maxEventsPerPipeline: 10_000, clock });
  return { clock, engine, health: () => engine.snapshot('p1')!.health };
}

describe('health words and numbers', () => {
  it('maps scores to statuses at 0.8 and 0.5', () => {
    expect([statusOf(1), statusOf(0.8), statusOf(0.79), statusOf(0.5), statusOf(0.49)]).toEqual([
      'healthy',
      'healthy',
      'degraded',
      'degraded',
      'critical',
    ]);
  });
  it('formats numbers for sentences', () => {
    expect([formatNumber(316.67), formatNumber(33.333), formatNumber(0.3333), formatNumber(90)]).toEqual([
      '317',
      '33.3',
      '0.33',
      '90',
    ]);
  });
});

describe('health score', () => {
  it('is 1 with no reasons for a clean pipeline', () => {
    const { engine, health } = setup();
    for (let i = 0; i < 6; i++)
      engine.apply(
        execution({ duration_seconds: 60, latency_ms: 200, throughput_per_minute: 100, cpu_percent: 40 }),
      );
    expect(health()).toEqual({ score: 1, status: 'healthy', reasons: [], factors: [] });
  });

  it('names failure rate against the previous window', () => {
    const { clock, engine, health } = setup();
    for (let i = 0; i < 10; i++) engine.apply(execution({ status: i === 0 ? 'failed' : 'completed' }));
    clock.advance(HOUR + MIN);
    for (const status of ['failed', 'failed', 'completed', 'completed'] as const)
      engine.apply(execution({ status, event_time: clock.now() }));
    const h = health();
    expect(h.reasons).toEqual([
      'failure rate 50% over the last 60 min (2 of 4 runs); previous window 10% (1 of 10)',
    ]);
    expect(h.factors[0]).toMatchObject({ factor: 'failure_rate', penalty: 0.75, value: 0.5, baseline: 0.1 });
    expect(h.score).toBe(0.25);
    expect(h.status).toBe('critical');
  });

  it('names a robust throughput drop with its change', () => {
    const { engine, health } = setup();
    const xs = [100, 98, 102, 100, 99, 101, 100, 50, 45, 55, 50, 48];
    xs.forEach((v, i) =>
      engine.apply(metric({ name: 'throughput_per_minute', value: v, event_time: T0 - 20 + i })),
    );
    // penalty = 0.5 · (1 − 50/100) = 0.25
    expect(health()).toMatchObject({
      score: 0.75,
      status: 'degraded',
      reasons: ['throughput 50/min vs baseline 100/min (-50%)', 'no runs in the last 60 min'],
    });
  });

  it('names a rising duration against the previous window', () => {
    const { clock, engine, health } = setup();
    for (const d of [100, 100, 100]) engine.apply(execution({ duration_seconds: d }));
    clock.advance(HOUR + MIN);
    for (const d of [150, 150, 150])
      engine.apply(execution({ duration_seconds: d, event_time: clock.now() }));
    const h = health();
    // +50% → penalty 0.3 · 0.5 = 0.15
    expect(h.reasons).toEqual(['avg duration 150 s vs 100 s in the previous 60 min (+50%)']);
    expect(h.score).toBe(0.85);
  });

  it('names a rising duration inside the window when there is no previous one', () => {
    const { clock, engine, health } = setup();
    clock.advance(HOUR);
    // 10 runs over 45 min, duration 100 → 145 s: slope 60 s/h, avg 122.5 s; over 60 min +49%
    for (let i = 0; i < 10; i++)
      engine.apply(execution({ duration_seconds: 100 + 5 * i, event_time: T0 + 15 * MIN + 5 * i * MIN }));
    const h = health();
    expect(h.reasons).toEqual(['duration rising 60 s/h (avg 123 s over the last 60 min)']);
    expect(h.factors[0].penalty).toBeCloseTo((0.3 * 60) / 122.5, 9);
  });

  it('names CPU and memory saturation', () => {
    const { engine, health } = setup();
    engine.apply(execution({ cpu_percent: 95, memory_percent: 91 }));
    engine.apply(execution({ cpu_percent: 97, memory_percent: 89 }));
    const h = health();
    expect(h.reasons).toEqual([
      'CPU 96% on average over the last 60 min (saturation at 90%)',
      'memory 90% on average over the last 60 min (saturation at 90%)',
    ]);
    expect(h.score).toBe(0.672); // (1 − 0.21)(1 − 0.15) = 0.6715, rounded to 3 places
  });

  it('names a latency spike found only by the window-mean rule with the mean as baseline', () => {
    const { engine, health } = setup();
    // baseline (first 7): median 200, MAD 100 → robust threshold 200 + 3 · 148.3 = 645 > 460;
    // window mean 2260 / 12 = 188.3 and 460 > 2 · 188.3
    const xs = [100, 300, 200, 100, 300, 200, 200, 100, 100, 100, 100, 460];
    xs.forEach((v, i) => engine.apply(metric({ name: 'latency_ms', value: v, event_time: T0 - 20 + i })));
    const f = health().factors[0];
    expect(f).toMatchObject({ factor: 'latency_spike', value: 460 });
    expect(f.baseline).toBeCloseTo(2260 / 12, 9);
    expect(health().reasons[0]).toBe('latency 460 ms among the last 5 samples vs window mean 188 ms');
  });
});
