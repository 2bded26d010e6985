import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../shared/index.js';
import { ALERT_LEVEL, StreamingDetector, scoreSeries } from './index.js';

function series(n: number, at: (t: number, rng: SeededRng) => number, seed = 1): Float64Array {
  const rng = new SeededRng(seed);
  return Float64Array.from({ length: n }, (_, t) => at(t, rng));
}

function alerts(scores: Float64Array, from = 0, to = scores.length): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t++) if (scores[t] >= ALERT_LEVEL) out.push(t);
  return out;
}

const daily = (t: number, rng: SeededRng): number =>
  50 + 20 * Math.sin((2 * Math.PI * t) / 96) + rng.normal();

describe('StreamingDetector', () => {
  it('holds the same state size whatever the series length', () => {
    const d = new StreamingDetector();
    const before = d.stateBytes;
    const rng = new SeededRng(3);
    for (let t = 0; t < 1000; t++) d.update(daily(t, rng));
    const after1k = d.stateBytes;
    for (let t = 1000; t < 20000; t++) d.update(daily(t, rng));
    expect(after1k).toBe(before);
    expect(d.stateBytes).toBe(before);
    expect(d.points).toBe(20000);
  });

  it('stays quiet on a constant series and on a clean sinusoid', () => {
    expect(alerts(scoreSeries(new Float64Array(3000).fill(7)))).toEqual([]);
    const sine = scoreSeries(series(4000, (t) => Math.sin((2 * Math.PI * t) / 50)));
    expect(alerts(sine)).toEqual([]);
  });

  it('rarely alerts on a noisy seasonal series with no anomaly', () => {
    expect(alerts(scoreSeries(series(6000, daily))).length).toBeLessThanOrEqual(2);
  });

  it('fires on a spike', () => {
    const values = series(4000, daily);
    values[3000] += 15;
    const scores = scoreSeries(values);
    expect(scores[3000]).toBeGreaterThanOrEqual(ALERT_LEVEL);
    expect(alerts(scores, 2000, 2999)).toEqual([]);
  });

  it('alerts once on a level shift, then re-baselines instead of alarming forever', () => {
    const values = series(6000, (t, rng) => (t < 3000 ? 10 : 16) + rng.normal());
    const scores = scoreSeries(values);
    const found = alerts(scores, 2900);
    expect(found[0]).toBeGreaterThanOrEqual(3000);
    expect(found[0]).toBeLessThan(3010);
    expect(alerts(scores, 3010)).toEqual([]);
    // Past the quiet period the undamped scores are back to normal too.
    expect(Math.max(...scores.subarray(4000))).toBeLessThan(ALERT_LEVEL);
  });

  it('is deterministic and keeps series independent', () => {
    const x = series(3000, daily, 5);
    const y = series(3000, (t, rng) => 3 + rng.normal(), 6);
    const a = new StreamingDetector();
    const b = new StreamingDetector();
    const interleaved = { x: new Float64Array(3000), y: new Float64Array(3000) };
    for (let t = 0; t < 3000; t++) {
      interleaved.x[t] = a.update(x[t]);
      interleaved.y[t] = b.update(y[t]);
    }
    expect(interleaved.x).toEqual(scoreSeries(x));
    expect(interleaved.y).toEqual(scoreSeries(y));
  });

  it('scores in [0, 1), skips missing values and validates its options', () => {
    const d = new StreamingDetector();
    expect(d.update(NaN)).toBe(0);
    expect(d.points).toBe(0);
    const scores = scoreSeries(series(2000, (t, rng) => (t % 500 === 499 ? 1e6 : rng.normal())));
    for (const s of scores) expect(s >= 0 && s < 1).toBe(true);
    expect(() => new StreamingDetector({ historyLength: 3 })).toThrow(
      expect.objectContaining({ code: 'INVALID_HYPERPARAMETER', field: 'historyLength' }),
    );
    expect(() => new StreamingDetector({ nope: 1 })).toThrow(/unknown hyperparameter/);
  });
});
