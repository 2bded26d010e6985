import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { historyFeatureNames, historyFeatures, nextHistoryFeatures, type HistoryEvent } from './history.js';

const HOUR = 3_600_000;
const names = historyFeatureNames();
const col = (row: Float64Array, name: string): number => row[names.indexOf(name)];

/** Events an hour apart with the given outcomes (1 = failed). */
function hourly(outcomes: number[], start = 0): HistoryEvent[] {
  return outcomes.map((f, i) => ({ failed: f as 0 | 1, time: start + i * HOUR, duration: 10 * (i + 1) }));
}

describe('historyFeatureNames', () => {
  it('names the default windows and matches the row width', () => {
    expect(names).toContain('fail_rate_last_3');
    expect(names).toContain('fail_rate_last_25');
    expect(names).toContain('fail_rate_1h');
    expect(names).toContain('runs_24h');
    expect(names).toContain('fail_rate_7d');
    expect(new Set(names).size).toBe(names.length);
    expect(historyFeatures(hourly([1, 0]))[0].length).toBe(names.length);
  });

  it('follows custom windows and refuses bad ones', () => {
    expect(historyFeatureNames({ lastN: [2], horizonsMs: [90 * 60_000] })).toContain('fail_rate_90m');
    expect(() => historyFeatureNames({ lastN: [0] })).toThrow(/lastN/);
    expect(() => historyFeatureNames({ horizonsMs: [1.5] })).toThrow(/horizons/);
  });
});

describe('historyFeatures', () => {
  it('computes rates, streaks and times from earlier rows only', () => {
    const rows = historyFeatures(hourly([1, 1, 0, 1, 1, 1]));
    const first = rows[0];
    expect(col(first, 'prev_failed')).toBeNaN();
    expect(col(first, 'runs_so_far')).toBe(0);
    expect(col(first, 'fail_rate_last_3')).toBeNaN();
    expect(col(first, 'consecutive_failures')).toBe(0);

    const last = rows[5]; // sees 1 1 0 1 1
    expect(col(last, 'prev_failed')).toBe(1);
    expect(col(last, 'runs_so_far')).toBe(5);
    expect(col(last, 'fail_rate_last_3')).toBeCloseTo(2 / 3, 15);
    expect(col(last, 'fail_rate_last_5')).toBeCloseTo(4 / 5, 15);
    expect(col(last, 'fail_rate_all')).toBeCloseTo(4 / 5, 15);
    expect(col(last, 'consecutive_failures')).toBe(2);
    expect(col(last, 'consecutive_successes')).toBe(0);
    expect(col(last, 'seconds_since_prev_run')).toBe(3600);
    expect(col(last, 'seconds_since_last_success')).toBe(3 * 3600);
    expect(col(last, 'seconds_since_last_failure')).toBe(3600);
    // 1 h horizon: runs known at ≥ t − 1 h, i.e. only the previous one
    expect(col(last, 'runs_1h')).toBe(1);
    expect(col(last, 'fail_rate_1h')).toBe(1);
    expect(col(last, 'runs_24h')).toBe(5);
    expect(col(last, 'prev_duration_seconds')).toBe(50);
    // mean of the last 3 durations (30, 40, 50) over the mean of all 5 (30), minus 1
    expect(col(last, 'duration_trend')).toBeCloseTo(40 / 30 - 1, 15);
    expect(col(rows[3], 'consecutive_successes')).toBe(1);
  });

  it('sees an outcome only once it is known (knownAt)', () => {
    const rows = historyFeatures([
      { failed: 1, time: 0, knownAt: 5 * HOUR },
      { failed: 0, time: HOUR, knownAt: 2 * HOUR },
      { failed: 0, time: 3 * HOUR },
      { failed: 0, time: 6 * HOUR },
    ]);
    expect(col(rows[1], 'runs_so_far')).toBe(0);
    expect(col(rows[2], 'runs_so_far')).toBe(1);
    expect(col(rows[2], 'prev_failed')).toBe(0);
    // by 6 h the first run's failure (known at 5 h) is the latest known outcome
    expect(col(rows[3], 'runs_so_far')).toBe(3);
    expect(col(rows[3], 'prev_failed')).toBe(1);
    expect(col(rows[3], 'consecutive_failures')).toBe(1);
    // the time since the previous run counts from the previous start, known or not
    expect(col(rows[2], 'seconds_since_prev_run')).toBe(2 * 3600);
  });

  it('leaves time features NaN without times', () => {
    const rows = historyFeatures([{ failed: 1 }, { failed: 0 }, { failed: 1 }]);
    expect(col(rows[2], 'fail_rate_last_3')).toBe(0.5);
    expect(col(rows[2], 'fail_rate_24h')).toBeNaN();
    expect(col(rows[2], 'seconds_since_prev_run')).toBeNaN();
  });

  it('refuses unsorted times and outcomes known before the run starts', () => {
    expect(() =>
      historyFeatures([
        { failed: 0, time: 10 },
        { failed: 0, time: 5 },
      ]),
    ).toThrow(/time order/);
    expect(() => historyFeatures([{ failed: 0, time: 10, knownAt: 5 }])).toThrow(/known before/);
  });

  it('gives a preflight row equal to the next row', () => {
    const events = hourly([0, 1, 1]);
    const next = nextHistoryFeatures(events, 3 * HOUR);
    const full = historyFeatures([...events, { failed: 1, time: 3 * HOUR }]);
    expect(Array.from(next)).toEqual(Array.from(full[3]));
  });

  it('never sees the future: changing later rows never changes earlier rows', () => {
    const event = fc.record({
      failed: fc.boolean(),
      gap: fc.integer({ min: 0, max: 3 * HOUR }),
      delay: fc.option(fc.integer({ min: 0, max: 5 * HOUR }), { nil: undefined }),
      duration: fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { nil: undefined }),
    });
    const toEvents = (
      raw: { failed: boolean; gap: number; delay?: number; duration?: number }[],
      start = 0,
    ): HistoryEvent[] => {
      let t = start;
      return raw.map((r) => {
        t += r.gap;
        return {
          failed: r.failed,
          time: t,
          knownAt: r.delay === undefined ? undefined : t + r.delay,
          duration: r.duration,
        };
      });
    };
    fc.assert(
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 40 }),
        fc.array(event, { maxLength: 20 }),
        fc.array(event, { maxLength: 20 }),
        (prefix, futureA, futureB) => {
          const past = toEvents(prefix);
          const end = past[past.length - 1].time ?? 0;
          const a = historyFeatures([...past, ...toEvents(futureA, end)]);
          const b = historyFeatures([...past, ...toEvents(futureB, end)]);
          // Changing the outcome of the last past row must not change that row either.
          const flipped = past.map((e, i) => (i === past.length - 1 ? { ...e, failed: !e.failed } : e));
          const c = historyFeatures(flipped);
          for (let i = 0; i < past.length; i++) {
            expect(Array.from(a[i])).toEqual(Array.from(b[i]));
            expect(Array.from(a[i])).toEqual(Array.from(c[i]));
          }
        },
      ),
    );
  });
});
