import { describe, expect, it } from 'vitest';
import { FakeClock } from '../shared/index.js';
import { MonitoringEngine } from './engine.js';
import { execution, MIN, T0 } from './testing.js';

// The original backend's test: 6 flat records of one pipeline; records 1 and 5 failed with "timeout",
// record 5 retried twice; record 6 is the slow one (throughput 40 vs 100, latency 900 vs 200). The
// flat decoder gives records without ids fresh keys and the receive time as event time.
function originalCase(): MonitoringEngine {
  const clock = new FakeClock(T0);
  const engine = new MonitoringEngine({ windowMs: 60 * MIN, maxEventsPerPipeline: 5000, clock });
  for (let i = 1; i <= 6; i++) {
    const failed = i === 1 || i === 5;
    engine.apply(
      execution({
        pipeline_id: 'pipe-1',
        event_time: clock.now(),
        status: failed ? 'failed' : 'completed',
        duration_seconds: 120,
        retry_count: i === 5 ? 2 : 0,
        stage_failures: 0,
        throughput_per_minute: i === 6 ? 40 : 100,
        latency_ms: i === 6 ? 900 : 200,
        cpu_percent: 50,
        memory_percent: 60,
        error_message: failed ? 'timeout' : null,
      }),
    );
    clock.advance(1000);
  }
  return engine;
}

describe('the original backend case', () => {
  const snap = originalCase().snapshot('pipe-1');

  it('keeps the original fields and values', () => {
    expect(snap).toBeDefined();
    const s = snap!;
    expect(s.pipeline_id).toBe('pipe-1');
    expect(s.window_minutes).toBe(60);
    expect(s.sampled_events).toBe(6);
    expect(s.metrics.failure_rate).toBeCloseTo(2 / 6, 12);
    expect(s.metrics.retry_frequency).toBeCloseTo(2 / 6, 12);
    expect(s.metrics.avg_duration_seconds).toBe(120);
    expect(s.metrics.avg_cpu_percent).toBe(50);
    expect(s.metrics.avg_memory_percent).toBe(60);
    expect(s.metrics.avg_throughput_per_minute).toBeCloseTo(540 / 6, 12);
    expect(s.metrics.avg_latency_ms).toBeCloseTo(1900 / 6, 12);
    expect(s.generated_at).toBe(new Date(T0 + 6000).toISOString());
  });

  it('detects the throughput drop and the latency spike', () => {
    const s = snap!;
    expect(s.signals.throughput_drop_detected).toBe(true);
    expect(s.signals.latency_spike_detected).toBe(true);
    // 40 < 90 / 2 (the original rule); 900 > 2 · 316.7 and p95 900 ≫ median 200 with MAD 0.
    expect(s.signals.throughput.detected_by).toEqual(['window_mean']);
    expect(s.signals.latency.detected_by).toEqual(['window_mean', 'robust']);
  });

  it('names timeout the dominant error pattern', () => {
    expect(snap!.signals.dominant_error_patterns).toEqual([{ pattern: 'timeout', count: 2, share: 1 }]);
  });

  it('scores the pipeline critical and says why', () => {
    const h = snap!.health;
    expect(h.reasons).toEqual([
      'failure rate 33% over the last 60 min (2 of 6 runs)',
      'latency p95 900 ms vs baseline 200 ms',
      'throughput 40/min among the last 5 samples vs window mean 90/min',
      'retry frequency 0.33 per run over the last 60 min (2 retries in 6 runs)',
    ]);
    // (1 − 0.5)(1 − 0.35)(1 − 0.5·(1 − 40/90))(1 − 0.2·2/6)
    expect(h.score).toBeCloseTo(0.5 * 0.65 * (1 - 0.5 * (50 / 90)) * (1 - 0.4 / 6), 3);
    expect(h.status).toBe('critical');
  });
});
