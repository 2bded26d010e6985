import { describe, expect, it } from 'vitest';
import { SeededRng } from '../shared/index.js';
import {
  forecastDuration,
  loadDurationModel,
  saveDurationModel,
  trainDurationModel,
  windowForecast,
  type DurationRow,
} from './duration.js';

const NAMES = ['avg_duration_seconds', 'hour_of_day'];

/** Runs take 100 s at night and 300 s by day, ±10%; the window mean does not know which. */
function rows(n: number): DurationRow[] {
  const rng = new SeededRng(3);
  return Array.from({ length: n }, (_, i) => {
    const hour = i % 24;
    const base = hour < 12 ? 100 : 300;
    return {
      time: i * 3_600_000,
      duration_seconds: base * (0.9 + 0.2 * rng.next()),
      features: { avg_duration_seconds: 200, hour_of_day: hour },
    };
  });
}

describe('duration forecast', () => {
  it('learns what the window mean cannot and beats it', () => {
    const { model, metrics } = trainDurationModel(rows(600), NAMES, new SeededRng(1));
    expect(metrics.mae).toBeLessThan(metrics.baseline_mae / 3);
    const night = forecastDuration(model, { avg_duration_seconds: 200, hour_of_day: 3 }, 150);
    const day = forecastDuration(model, { avg_duration_seconds: 200, hour_of_day: 15 }, 150);
    expect(night.expected_seconds).toBeGreaterThan(85);
    expect(night.expected_seconds).toBeLessThan(115);
    expect(night.p90_seconds).toBeGreaterThan(night.expected_seconds);
    expect(night.timeout_breach_probability).toBe(0);
    expect(day.timeout_breach_probability).toBe(1);
    expect(forecastDuration(model, { hour_of_day: 3 }, null).timeout_breach_probability).toBeNull();
  });

  it('round-trips its artifact and refuses a corrupt one', () => {
    const { model } = trainDurationModel(rows(100), NAMES, new SeededRng(1));
    const again = loadDurationModel(saveDurationModel(model));
    const f = { avg_duration_seconds: 200, hour_of_day: 20 };
    expect(forecastDuration(again, f, 250)).toEqual(forecastDuration(model, f, 250));
    expect(() => loadDurationModel('{"format":"flexiroaster-model"')).toThrow(/cannot load duration_gbdt/);
  });

  it('needs 20 runs; the window statistics need one', () => {
    expect(() => trainDurationModel(rows(5), NAMES, new SeededRng(1))).toThrow(/at least 20/);
    expect(windowForecast([10, 20, 30, 40], 25)).toEqual({
      expected_seconds: 25,
      p90_seconds: 37,
      timeout_breach_probability: 0.5,
    });
    expect(windowForecast([], 25)).toBeNull();
  });
});
