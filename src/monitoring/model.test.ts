import { describe, expect, it } from 'vitest';
import {
  decideIdentity,
  isFailedExecution,
  type ExecutionStatus,
  type StageStatus,
  type TelemetryEvent,
} from '../domain/index.js';
import { FakeClock, SeededRng, type Rng } from '../shared/index.js';
import { hasDuration } from './aggregates.js';
import { MonitoringEngine } from './engine.js';
import { normalizeErrorMessage } from './normalize.js';
import { execution, log, metric, MIN, stage, T0 } from './testing.js';

// The engine's incremental sums checked against a brute-force model that keeps the latest state of
// every key and recomputes everything from scratch. Same forgetting rule: live events leave at now − w,
// execution records are remembered until now − 2w.
const W = 60 * MIN;
const EXEC_STATUSES: ExecutionStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];
const STAGE_STATUSES: StageStatus[] = ['running', 'completed', 'failed', 'skipped'];
const MESSAGES = ['timeout after 3s', 'disk /a/b full', 'auth failed for "x"', 'oom killed pid 7'];

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)];
const maybe = (rng: Rng, v: number): number | null => (rng.next() < 0.2 ? null : v);

function randomEvent(rng: Rng, now: number, seq: number): TelemetryEvent {
  const pipeline_id = pick(rng, ['a', 'b']);
  // Distinct times (the fraction), so "oldest first" has one answer.
  const event_time = Math.round(now - rng.next() * 1.6 * W + 0.05 * W) + seq / 8192;
  const r = rng.next();
  if (r < 0.5)
    return execution({
      pipeline_id,
      event_time,
      execution_id: rng.next() < 0.2 ? null : `x${rng.int(60)}`,
      status: pick(rng, EXEC_STATUSES),
      duration_seconds: rng.int(500),
      retry_count: rng.int(3),
      stage_failures: rng.next() < 0.1 ? 1 : 0,
      cpu_percent: maybe(rng, rng.int(100)),
      latency_ms: maybe(rng, 100 + rng.int(900)),
      throughput_per_minute: maybe(rng, rng.int(200)),
      error_message: rng.next() < 0.3 ? pick(rng, MESSAGES) : null,
    });
  if (r < 0.7)
    return stage({
      pipeline_id,
      event_time,
      execution_id: `x${rng.int(60)}`,
      stage_name: pick(rng, ['extract', 'load', 'check']),
      status: pick(rng, STAGE_STATUSES),
      retry_count: rng.int(2),
      error_message: rng.next() < 0.3 ? pick(rng, MESSAGES) : null,
    });
  if (r < 0.85)
    return log({
      pipeline_id,
      event_time,
      level: pick(rng, ['ERROR', 'WARN', 'INFO']),
      message: pick(rng, MESSAGES),
    });
  return metric({
    pipeline_id,
    event_time,
    name: pick(rng, ['cpu_percent', 'latency_ms']),
    value: rng.int(100),
  });
}

interface Held {
  event: TelemetryEvent;
  history: boolean;
}

class Model {
  readonly state = new Map<string, Held>();

  constructor(private readonly cap: number) {}

  apply(e: TelemetryEvent, now: number) {
    this.evict(e.pipeline_id, now);
    const held = this.state.get(e.key);
    const decision = decideIdentity(held?.event, e);
    if (decision === 'unchanged') return decision;
    this.state.delete(e.key);
    if (e.event_time >= now - W) {
      this.state.set(e.key, { event: e, history: false });
      for (let live = this.held(e.pipeline_id, false); live.length > this.cap; live = live.slice(1))
        this.retire(live[0], now);
    } else if (e.kind === 'execution' && e.event_time >= now - 2 * W) {
      this.state.set(e.key, { event: e, history: true });
      this.capHistory(e.pipeline_id);
    }
    return decision;
  }

  private evict(pipeline: string, now: number) {
    for (const h of this.held(pipeline, false)) if (h.event.event_time < now - W) this.retire(h, now);
    for (const h of this.held(pipeline, true))
      if (h.event.event_time < now - 2 * W) this.state.delete(h.event.key);
  }

  private retire(h: Held, now: number) {
    if (h.event.kind === 'execution' && h.event.event_time >= now - 2 * W) {
      h.history = true;
      this.capHistory(h.event.pipeline_id);
    } else this.state.delete(h.event.key);
  }

  private capHistory(pipeline: string) {
    const history = this.held(pipeline, true);
    for (const h of history.slice(0, Math.max(0, history.length - this.cap))) this.state.delete(h.event.key);
  }

  /** Held states of one region, oldest first. */
  private held(pipeline: string, history: boolean): Held[] {
    return [...this.state.values()]
      .filter((h) => h.event.pipeline_id === pipeline && h.history === history)
      .sort((a, b) => a.event.event_time - b.event.event_time);
  }

  kpis(pipeline: string, now: number) {
    this.evict(pipeline, now);
    const live = this.held(pipeline, false).map((h) => h.event);
    const runs = live.flatMap((e) => (e.kind === 'execution' ? [e] : []));
    const prev = this.held(pipeline, true);
    const retries = live.reduce(
      (s, e) => s + (e.kind === 'execution' || e.kind === 'stage' ? e.retry_count : 0),
      0,
    );
    const durations = runs.filter(hasDuration);
    const cpu = [
      ...runs.flatMap((e) => (e.cpu_percent === null ? [] : [e.cpu_percent])),
      ...live.flatMap((e) => (e.kind === 'metric' && e.name === 'cpu_percent' ? [e.value] : [])),
    ];
    const patterns = new Map<string, number>();
    for (const e of live) {
      const messages =
        e.kind === 'execution' || e.kind === 'stage'
          ? [e.error_message]
          : e.kind === 'log' && e.level !== 'INFO'
            ? [e.message]
            : [];
      for (const m of messages)
        if (m !== null)
          patterns.set(normalizeErrorMessage(m), (patterns.get(normalizeErrorMessage(m)) ?? 0) + 1);
    }
    const xs = durations.map((e) => e.event_time / 3_600_000);
    const ys = durations.map((e) => e.duration_seconds);
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    const sxy = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0);
    return {
      windowed: live.length,
      records: runs.length,
      failed: runs.filter(isFailedExecution).length,
      retries,
      avgDuration: durations.length === 0 ? 0 : my,
      slope: durations.length >= 3 && sxx / xs.length >= 1e-7 ? sxy / sxx : null,
      avgCpu: cpu.length === 0 ? 0 : cpu.reduce((a, b) => a + b, 0) / cpu.length,
      prevRecords: prev.length,
      topPatterns: [...patterns]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, 5)
        .map(([pattern, count]) => ({ pattern, count })),
    };
  }
}

describe('the engine against a brute-force model', () => {
  it.each([
    [1, 1_000_000],
    [2, 1_000_000],
    [3, 25],
    [4, 60],
  ])('agrees on every KPI over a random stream (seed %i, cap %i)', (seed, cap) => {
    const rng = new SeededRng(seed);
    const clock = new FakeClock(T0);
    const engine = new MonitoringEngine({ windowMs: W, maxEventsPerPipeline: cap, clock });
    const model = new Model(cap);
    for (let i = 1; i <= 3000; i++) {
      clock.advance(rng.int(40_000));
      const e = randomEvent(rng, clock.now(), i);
      expect(engine.apply(e)).toBe(model.apply(e, clock.now()));
      if (i % 150 !== 0) continue;
      for (const p of ['a', 'b']) {
        const s = engine.snapshot(p)!;
        const m = model.kpis(p, clock.now());
        expect(s.metrics.windowed_events).toBe(m.windowed);
        expect(s.sampled_events).toBe(m.records);
        expect(s.metrics.failed_runs).toBe(m.failed);
        expect(s.metrics.retries).toBe(m.retries);
        expect(s.metrics.avg_duration_seconds).toBeCloseTo(m.avgDuration, 6);
        expect(s.metrics.avg_cpu_percent).toBeCloseTo(m.avgCpu, 6);
        expect(s.metrics.previous_window.sampled_events).toBe(m.prevRecords);
        expect(s.signals.dominant_error_patterns.map(({ pattern, count }) => ({ pattern, count }))).toEqual(
          m.topPatterns,
        );
        if (m.slope === null) expect(s.metrics.duration_trend.slope_seconds_per_hour).toBeNull();
        else expect(s.metrics.duration_trend.slope_seconds_per_hour).toBeCloseTo(m.slope, 4);
      }
    }
  });
});
