import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TelemetryEvent } from '../domain/index.js';
import { FakeClock } from '../shared/index.js';
import { createDriver } from './driver.js';
import { createFleet } from './fleet.js';
import type { FlexiRoasterRows } from './rows.js';
import { HOUR, T0 } from './testing.js';

const NOW = T0 + 6 * HOUR;
const fleetFor = (emit: 'events' | 'both' = 'events') =>
  createFleet({ seed: 31, pipelines: 4, startMs: NOW, faultRate: 0.5, emit });

afterEach(() => {
  vi.useRealTimers();
});

describe('demo driver', () => {
  it('backfills the last two hours at start, never past the clock', async () => {
    const clock = new FakeClock(NOW);
    const got: TelemetryEvent[] = [];
    const fleet = fleetFor();
    const driver = createDriver({ fleet, clock, sink: async (e) => void got.push(...e), intervalMs: 60_000 });
    await driver.start();
    expect(got.length).toBeGreaterThan(500);
    expect(Math.min(...got.map((e) => e.event_time))).toBeGreaterThan(NOW - 2 * HOUR);
    expect(Math.max(...got.map((e) => e.event_time))).toBeLessThanOrEqual(NOW);
    expect(fleet.now()).toBe(NOW);
    await driver.stop();
  });

  it('delivers what happened since the last tick, in order, without loss when the sink fails once', async () => {
    const clock = new FakeClock(NOW);
    const got: TelemetryEvent[] = [];
    let failNext = false;
    const errors: Error[] = [];
    const sink = async (events: TelemetryEvent[]): Promise<void> => {
      if (failNext) {
        failNext = false;
        throw new Error('store behind');
      }
      got.push(...events);
    };
    const driver = createDriver({
      fleet: fleetFor(),
      clock,
      sink,
      intervalMs: 60_000,
      onError: (e) => errors.push(e),
    });
    await driver.start();
    const before = got.length;
    failNext = true;
    clock.advance(10 * 60_000);
    await driver.tick();
    expect(got.length).toBe(before);
    expect(errors.map((e) => e.message)).toEqual(['store behind']);
    clock.advance(10 * 60_000);
    await driver.tick();
    const fresh = got.slice(before);
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((e) => e.event_time > NOW && e.event_time <= clock.now())).toBe(true);
    const times = fresh.map((e) => e.event_time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    await driver.stop();
  });

  it('ticks on its interval, and stop() flushes once and ends the timer', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const clock = new FakeClock(NOW);
    const calls: number[] = [];
    const driver = createDriver({
      fleet: fleetFor(),
      clock,
      sink: async (e) => void calls.push(e.length),
      intervalMs: 1000,
    });
    await driver.start();
    const afterStart = calls.length;
    clock.advance(5 * 60_000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.length).toBeGreaterThan(afterStart);
    clock.advance(5 * 60_000);
    await driver.stop();
    const afterStop = calls.length;
    clock.advance(5 * 60_000);
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.length).toBe(afterStop);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('hands rows to a row sink and reports faults as they begin', async () => {
    const clock = new FakeClock(NOW);
    const rows: FlexiRoasterRows[] = [];
    const faults: string[] = [];
    const driver = createDriver({
      fleet: fleetFor('both'),
      clock,
      sink: async () => undefined,
      rowSink: async (r) => void rows.push(r),
      onFaults: (eps) => faults.push(...eps.map((e) => e.fault)),
      backfillMs: 4 * HOUR,
      intervalMs: 60_000,
    });
    await driver.start();
    await driver.stop();
    expect(rows.reduce((n, r) => n + r.executions.length, 0)).toBeGreaterThan(0);
    expect(rows[0].pipelines).toHaveLength(4);
    expect(faults.length).toBeGreaterThan(0);
  });
});
