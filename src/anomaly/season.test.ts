import { describe, expect, it } from 'vitest';
import { SeededRng } from '../shared/index.js';
import { computeBaseline, statsAt, zScore } from './baseline.js';
import { detect } from './detector.js';
import { emptyRecord, FEATURE_INDEX, hourOfRow, recordFeatures } from './features.js';
import { curve, detectSeason, windowWords } from './season.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5);
const HOUR = 3_600_000;

/** Runs every 10 minutes over `days`; duration follows `level(hour)` with ±5 % noise. */
function runs(days: number, level: (hour: number) => number, seed = 1) {
  const rng = new SeededRng(seed);
  return Array.from({ length: days * 144 }, (_, i) => {
    const time = T0 + i * 600_000;
    const hour = (time % DAY) / HOUR;
    return recordFeatures(
      emptyRecord({
        time,
        duration_seconds: level(hour) * (1 + 0.05 * rng.normal()),
        cpu_percent: 40 + rng.normal(),
      }),
    );
  });
}
const daily = (h: number) => 120 + 60 * Math.sin((2 * Math.PI * (h - 8)) / 24);

describe('time of day', () => {
  it('is carried in the feature vector as a point on the clock', () => {
    const row = recordFeatures(emptyRecord({ time: T0 + 2.5 * HOUR }));
    expect(hourOfRow(row)).toBeCloseTo(2.5, 9);
    expect(hourOfRow(recordFeatures(emptyRecord({ time: T0 + 23.99 * HOUR })))).toBeCloseTo(23.99, 9);
    expect(hourOfRow(recordFeatures(emptyRecord()))).toBeNull();
  });
});

describe('seasonal baselines', () => {
  it('finds a daily pattern and judges each hour against its own level', () => {
    const b = computeBaseline(runs(2, daily));
    const d = FEATURE_INDEX.execution_time_s;
    expect(b.seasons?.[d]?.explained).toBeGreaterThan(0.8);
    expect(curve(b.seasons?.[d]?.coef ?? [], 14)).toBeCloseTo(daily(14), -1);
    // cpu has no daily pattern: flat stats.
    expect(b.seasons?.[FEATURE_INDEX.cpu_percent]).toBeNull();
    // 150 s is ordinary at 14:00 (usual ≈ 180 s), far too long at 02:00 (usual ≈ 60 s).
    const night = statsAt(b, d, 2.2);
    expect(night?.window).toBe('02:00–03:00 UTC');
    expect(zScore(night, d, 150)).toBeGreaterThan(10);
    expect(Math.abs(zScore(statsAt(b, d, 14.5), d, 180))).toBeLessThan(3);
    // The flat baseline could not tell: 150 s is near its middle.
    expect(Math.abs(zScore(b.features[d], d, 150))).toBeLessThan(1);
  });

  it('says so in the reasons, in plain words', () => {
    const b = computeBaseline(runs(2, daily));
    const baselines = { fleet: null, pipelines: new Map([['p', b]]), computedAt: 0 };
    const row = recordFeatures(emptyRecord({ time: T0 + 2.5 * HOUR, duration_seconds: 412 }));
    const hit = detect(row, { model: null, baselines, pipelineId: 'p', signatures: [] });
    expect(hit.is_anomaly).toBe(true);
    expect(hit.reasons[0]).toMatch(
      /^execution_time_s is 412 s, far above the \d+\.\d+ s usual for this pipeline at 02:00–03:00 UTC \(time-of-day baseline: mean, spread \d+\.\d+\); z = \d+/,
    );
    const usual = detect(recordFeatures(emptyRecord({ time: T0 + 14.5 * HOUR, duration_seconds: 180 })), {
      model: null,
      baselines,
      pipelineId: 'p',
      signatures: [],
    });
    expect(usual.is_anomaly).toBe(false);
  });

  it('does not see a pattern in noise, nor in one odd hour of the history', () => {
    const rng = new SeededRng(3);
    for (let seed = 1; seed <= 5; seed++) {
      const b = computeBaseline(runs(2, () => 100 + 20 * rng.normal(), seed));
      expect(b.seasons?.[FEATURE_INDEX.execution_time_s]).toBeNull();
    }
    // A fault episode (an hour of runs at a tenth of the usual duration) is not a daily pattern.
    const episode = (h: number) => (h >= 5 && h < 6 ? 10 : 100);
    const b = computeBaseline(runs(1, episode));
    const s = statsAt(b, FEATURE_INDEX.execution_time_s, 5.5);
    expect(s?.window).toBeUndefined();
    expect(s?.median).toBeCloseTo(100, -1);
  });

  it('needs every part of the day covered', () => {
    const values = Array.from({ length: 200 }, (_, i) => 100 + (i % 10));
    const hours = values.map((_, i) => (i % 16) + 0.5); // nothing after 16:00
    expect(detectSeason(values, hours, false, true)).toBeNull();
  });

  it('names hour windows', () => {
    expect(windowWords(0)).toBe('00:00–01:00 UTC');
    expect(windowWords(23)).toBe('23:00–24:00 UTC');
  });
});
