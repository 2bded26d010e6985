import { describe, expect, it } from 'vitest';
import { latencySignal, splitSeries, throughputSignal } from './signals.js';

const scratch = () => ({ a: new Float64Array(64), b: new Float64Array(64) });
const f = (xs: number[]): Float64Array => Float64Array.from(xs);

describe('splitSeries', () => {
  it('uses the last 5 as recent and the whole series as baseline below 10 values', () => {
    expect(splitSeries(6)).toEqual({ recentFrom: 1, baselineTo: 6 });
    expect(splitSeries(3)).toEqual({ recentFrom: 0, baselineTo: 3 });
  });
  it('splits off the last sixth (at least 5) from 10 values on', () => {
    expect(splitSeries(10)).toEqual({ recentFrom: 5, baselineTo: 5 });
    expect(splitSeries(60)).toEqual({ recentFrom: 50, baselineTo: 50 });
  });
});

describe('latencySignal', () => {
  it('computes mean, last-5 max, recent p95, baseline median/MAD and z by hand', () => {
    // mean 900/6 = 150; last 5: 110 90 100 100 400 → max 400, p95 400;
    // baseline (all 6) sorted 90 100 100 100 110 400 → median 100, |dev| 0 0 0 10 10 300 → MAD 5
    const s = latencySignal(f([100, 110, 90, 100, 100, 400]), 6, scratch());
    expect(s.window_mean_ms).toBe(150);
    expect(s.last5_max_ms).toBe(400);
    expect(s.recent_p95_ms).toBe(400);
    expect(s.baseline_median_ms).toBe(100);
    expect(s.baseline_mad_ms).toBe(5);
    expect(s.robust_z).toBeCloseTo(300 / (1.4826 * 5), 9);
    expect(s.detected_by).toEqual(['window_mean', 'robust']);
  });

  it('compares the recent sixth against the older values from 10 values on', () => {
    // baseline = first 7: 200 210 190 205 195 200 200 → median 200, |dev| 0 10 10 5 5 0 0 → MAD 5
    // recent = last 5: 260 250 270 255 265 → p95 270 > 200 + 3·7.413 but < 1.5 · 200
    const xs = [200, 210, 190, 205, 195, 200, 200, 260, 250, 270, 255, 265];
    const s = latencySignal(f(xs), xs.length, scratch());
    expect(s.baseline_median_ms).toBe(200);
    expect(s.baseline_mad_ms).toBe(5);
    expect(s.recent_p95_ms).toBe(270);
    expect(s.detected_by).toEqual([]);
    const worse = [...xs.slice(0, 7), 400, 380, 420, 390, 410];
    expect(latencySignal(f(worse), worse.length, scratch()).detected_by).toEqual(['robust']);
  });

  it('needs 5 values and answers nulls for an empty series', () => {
    expect(latencySignal(f([100, 100, 900]), 3, scratch()).detected_by).toEqual([]);
    const empty = latencySignal(f([]), 0, scratch());
    expect(empty.samples).toBe(0);
    expect(empty.recent_p95_ms).toBeNull();
    expect(empty.detected_by).toEqual([]);
  });

  it('does not call a spike against a baseline of unreported (0) latency with the robust rule', () => {
    const s = latencySignal(f([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 50]), 12, scratch());
    expect(s.detected_by).toEqual(['window_mean']);
  });
});

describe('throughputSignal', () => {
  it('keeps the original rule: one of the last 5 below half the window mean', () => {
    // mean 540/6 = 90; min of last 5 = 40 < 45; robust: recent median 100 = baseline median
    const s = throughputSignal(f([100, 100, 100, 100, 100, 40]), 6, scratch());
    expect(s.window_mean_per_minute).toBe(90);
    expect(s.last5_min_per_minute).toBe(40);
    expect(s.recent_median_per_minute).toBe(100);
    expect(s.change_percent).toBe(0);
    expect(s.detected_by).toEqual(['window_mean']);
  });

  it('finds a sustained drop with median/MAD and reports the change', () => {
    // baseline 100 98 102 100 99 101 100 → median 100, |dev| 0 2 2 0 1 1 0 → MAD 1
    // recent 50 45 55 50 48 → median 50 → −50%; window mean 948/12 = 79, min 45 ≥ 39.5
    const xs = [100, 98, 102, 100, 99, 101, 100, 50, 45, 55, 50, 48];
    const s = throughputSignal(f(xs), xs.length, scratch());
    expect(s.baseline_median_per_minute).toBe(100);
    expect(s.baseline_mad_per_minute).toBe(1);
    expect(s.recent_median_per_minute).toBe(50);
    expect(s.change_percent).toBe(-50);
    expect(s.window_mean_per_minute).toBe(79);
    expect(s.detected_by).toEqual(['robust']);
  });
});
