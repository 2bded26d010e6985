import { describe, expect, it } from 'vitest';
import { AppError, SeededRng } from '../shared/index.js';
import { contributions, predictFailure, predictFailures } from './failure-model.js';
import { decodeFailureModel, encodeFailureModel } from './artifact.js';
import { trainFailureModel, type TrainingRow } from './training.js';

const NAMES = ['load', 'retries', 'noise'];

/** Runs an hour apart whose failure odds rise with load and retries; `noise` carries nothing. */
function runs(n: number, seed: number): TrainingRow[] {
  const rng = new SeededRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const load = rng.next();
    const retries = rng.int(4);
    const logit = -2.5 + 4 * load + 0.8 * retries;
    const label = rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    return { time: i * 3_600_000, features: [load, retries, rng.normal()], label };
  });
}

describe('trainFailureModel', () => {
  const rows = runs(3000, 1);
  const model = trainFailureModel(rows, NAMES, { seed: 3 });

  it('splits by time: fit, then calibration, then validation', () => {
    const t = model.training;
    expect(t.split).toBe('time');
    expect(t.train_samples + t.calibration_samples + t.validation_samples).toBe(3000);
    expect(t.validation_samples).toBe(450);
    expect(t.calibration_samples).toBe(450);
    expect(t.trees).toBeGreaterThan(0);
    expect(t.trees).toBeLessThan(500); // early stopping on the calibration slice
    expect(['platt', 'isotonic', 'none']).toContain(t.calibration);
    expect(t.trained_until).toBe(2999 * 3_600_000);
    expect(t.note).toBeNull();
  });

  it('records validation metrics that beat the base rate', () => {
    const m = model.metrics;
    expect(m.samples).toBe(450);
    expect(m.roc_auc).toBeGreaterThan(0.75);
    expect(m.pr_auc).toBeGreaterThan(m.base_rate);
    expect(m.brier).toBeLessThan(m.brier_base_rate ?? 0);
    expect(m.ece).toBeLessThan(0.1);
    expect(m.precision_at_10).toBeGreaterThanOrEqual(0.5);
  });

  it('chooses an alert threshold at the target precision and a stricter act threshold', () => {
    const { alert, act } = model.thresholds;
    expect(alert.rule).toBe('target_precision');
    expect(alert.precision).toBeGreaterThanOrEqual(0.6);
    if (act.value !== null) {
      expect(act.precision).toBeGreaterThanOrEqual(0.8);
      expect(act.value).toBeGreaterThanOrEqual(alert.value ?? 0);
    }
    // Labels that no feature explains: no threshold reaches 90% precision.
    const coinFlips = runs(1000, 9).map((r, i) => ({ ...r, label: (i * 7919) % 10 < 3 ? 1 : 0 }) as const);
    const strict = trainFailureModel(coinFlips, NAMES, { alertPrecision: 0.9, actPrecision: 0.95 });
    expect(strict.thresholds.alert.rule).toBe('max_f1');
    expect(strict.thresholds.act).toMatchObject({ value: null, rule: 'unreachable' });
  });

  it('predicts calibrated probabilities that rank risk and match the batch path', () => {
    const low = predictFailure(model, [0.05, 0, 0]);
    const high = predictFailure(model, [0.95, 3, 0]);
    expect(low).toBeGreaterThanOrEqual(0);
    expect(high).toBeLessThanOrEqual(1);
    expect(high).toBeGreaterThan(low + 0.3);
    const out = new Float64Array(2);
    predictFailures(model, { data: Float64Array.from([0.05, 0, 0, 0.95, 3, 0]), rows: 2, cols: 3 }, out);
    expect(Array.from(out)).toEqual([low, high]);
    expect(() => predictFailure(model, [1, 2])).toThrow(/2 feature values/);
  });

  it('explains a row with TreeSHAP values that add up to its raw score', () => {
    const c = contributions(model, [0.95, 3, 0]);
    expect(c.values.length).toBe(3);
    expect(c.values[0]).toBeGreaterThan(0);
    expect(Math.abs(c.values[2])).toBeLessThan(Math.abs(c.values[0]));
    const plain = trainFailureModel(rows, NAMES, { seed: 3, calibration: 'none' });
    const cp = contributions(plain, [0.95, 3, 0]);
    const rawSum = cp.expectedRaw + cp.values.reduce((a, b) => a + b, 0);
    expect(predictFailure(plain, [0.95, 3, 0])).toBeCloseTo(1 / (1 + Math.exp(-rawSum)), 10);
  });

  it('auto keeps the calibration with the lowest validation Brier', () => {
    const briers = (['platt', 'isotonic', 'none'] as const).map(
      (calibration) => trainFailureModel(rows, NAMES, { seed: 3, calibration }).metrics.brier ?? 1,
    );
    expect(model.metrics.brier).toBe(Math.min(...briers));
  });

  it('reads options given as undefined as their defaults', () => {
    const m = trainFailureModel(rows, NAMES, { seed: 3, alertPrecision: undefined, calibration: undefined });
    expect(encodeFailureModel(m)).toBe(encodeFailureModel(model));
  });

  it('honours a fixed calibration method and is deterministic for a seed', () => {
    const iso = trainFailureModel(rows, NAMES, { seed: 3, calibration: 'isotonic' });
    expect(iso.calibration.method).toBe('isotonic');
    const again = trainFailureModel(rows, NAMES, { seed: 3, calibration: 'isotonic' });
    expect(encodeFailureModel(again)).toBe(encodeFailureModel(iso));
  });

  it('trains on tiny data without a split and says so', () => {
    const tiny = trainFailureModel(
      [
        { time: 0, features: [0.9, 3, 0], label: 1 },
        { time: 1, features: [0.1, 0, 0], label: 0 },
      ],
      NAMES,
    );
    expect(tiny.training).toMatchObject({ split: 'none', train_samples: 2, calibration: 'none' });
    expect(tiny.training.note).toMatch(/2 rows .* too few/);
    expect(tiny.metrics).toMatchObject({ roc_auc: null, brier: null, base_rate: 0.5, samples: 0 });
    expect(tiny.thresholds.alert).toMatchObject({ value: 0.5, rule: 'default' });
    expect(tiny.thresholds.act.value).toBeNull();
    const p1 = predictFailure(tiny, [0.9, 3, 0]);
    const p0 = predictFailure(tiny, [0.1, 0, 0]);
    expect(p1).toBeGreaterThan(p0);
    expect(p0).toBeGreaterThanOrEqual(0);
    expect(p1).toBeLessThanOrEqual(1);
  });

  it('falls back to no split when a slice holds one outcome only', () => {
    const late = runs(200, 2).map((r, i) => ({ ...r, label: (i < 150 ? r.label : 0) as 0 | 1 }));
    const m = trainFailureModel(late, NAMES);
    expect(m.training.split).toBe('none');
    expect(m.training.note).toMatch(/validation slice does not hold both outcomes/);
  });

  it('refuses bad rows and options naming the field', () => {
    expect(() => trainFailureModel([], NAMES)).toThrow(/no training rows/);
    expect(() => trainFailureModel([{ time: 0, features: [1], label: 0 }], NAMES)).toThrow(
      expect.objectContaining({ field: 'rows.0.features' }),
    );
    expect(() => trainFailureModel([{ time: NaN, features: [1, 2, 3], label: 0 }], NAMES)).toThrow(
      /time must be/,
    );
    expect(() => trainFailureModel(rows, NAMES, { alertPrecision: 0.9, actPrecision: 0.8 })).toThrow(
      /actPrecision/,
    );
    expect(() => trainFailureModel(rows, NAMES, { params: { num_leaves: 1 } })).toThrow(/num_leaves/);
  });
});

describe('failure model artifact', () => {
  const model = trainFailureModel(runs(1500, 4), NAMES, { seed: 1 });
  const text = encodeFailureModel(model);

  it('round-trips to identical predictions, thresholds and metrics', () => {
    const back = decodeFailureModel(text);
    expect(back.featureNames).toEqual(NAMES);
    expect(back.thresholds).toEqual(model.thresholds);
    expect(back.metrics).toEqual(model.metrics);
    expect(back.training).toEqual(model.training);
    for (const x of [
      [0.2, 1, 0],
      [0.8, 2, -1],
      [NaN, 0, 0],
    ]) {
      expect(predictFailure(back, x)).toBe(predictFailure(model, x));
    }
  });

  it('refuses corrupt or foreign artifacts with MODEL_INVALID saying why', () => {
    const refuse = (t: string, why: RegExp): void => {
      try {
        decodeFailureModel(t);
        throw new Error('accepted');
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toBe('MODEL_INVALID');
        expect((err as Error).message).toMatch(why);
      }
    };
    refuse(text.slice(0, 100), /not valid JSON/);
    refuse(JSON.stringify({ ...JSON.parse(text), model: 'gbdt' }), /holds a "gbdt" model/);
    const parsed = JSON.parse(text);
    parsed.body.gbdt.body.trees = 'x';
    refuse(JSON.stringify(parsed), /gbdt: .*trees must be a list/);
    const badCal = JSON.parse(text);
    badCal.body.calibration = { method: 'magic', artifact: null };
    refuse(JSON.stringify(badCal), /unknown calibration method/);
    const badThreshold = JSON.parse(text);
    badThreshold.body.thresholds.alert.value = 'high';
    refuse(JSON.stringify(badThreshold), /thresholds.alert.value/);
    const badMetric = JSON.parse(text);
    badMetric.body.metrics.roc_auc = 'good';
    refuse(JSON.stringify(badMetric), /metrics.roc_auc must be a number or null/);
    const badTraining = JSON.parse(text);
    badTraining.body.training.trees = -1;
    refuse(JSON.stringify(badTraining), /training.trees must be a whole number/);
    const renamed = JSON.parse(text);
    renamed.feature_names = ['a', 'b', 'c'];
    refuse(JSON.stringify(renamed), /other features/);
  });
});
