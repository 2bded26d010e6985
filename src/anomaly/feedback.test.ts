import { describe, expect, it } from 'vitest';
import { SeededRng } from '../shared/index.js';
import { buildBaselines } from './baseline.js';
import { detect } from './detector.js';
import { feedbackForestBars, feedbackTolerances, MAX_TOLERANCE, type LabelledRun } from './feedback.js';
import { emptyRecord, FEATURE_INDEX, recordFeatures } from './features.js';
import { withFeedback } from './learn-feedback.js';
import { decodeAnomalyModel, encodeAnomalyModel, trainAnomalyModel } from './model.js';

const rng = new SeededRng(5);
const run = (duration: number, retries = 0) =>
  recordFeatures(
    emptyRecord({
      duration_seconds: duration,
      data_volume_mb: 200 + rng.normal(),
      cpu_percent: 45 + rng.normal(),
      memory_percent: 40 + rng.normal(),
      retry_count: retries,
    }),
  );
const history = Array.from({ length: 60 }, () => ({
  pipeline_id: 'p',
  features: run(30 + 2 * rng.normal()),
}));
const baselines = buildBaselines(history, 0);
const baselineOf = (p: string) => baselines.pipelines.get(p) ?? null;
const features = [0, 1, 2, 3, 4, 5, 6];
const D = FEATURE_INDEX.execution_time_s;

describe('feedback tolerances', () => {
  it('widens the features a false alarm deviated on, for its pipeline only', () => {
    const odd = run(45);
    const tol = feedbackTolerances(
      [{ pipeline_id: 'p', features: odd, label: 'false_positive' }],
      baselineOf,
      features,
    );
    expect(Object.keys(tol)).toEqual(['p']);
    expect(Object.keys(tol.p)).toEqual(['execution_time_s']);
    expect(tol.p.execution_time_s).toBeGreaterThan(1);
  });

  it('never widens past a confirmed anomaly on the same feature, nor past the cap', () => {
    const labelled: LabelledRun[] = [
      { pipeline_id: 'p', features: run(60), label: 'false_positive' },
      { pipeline_id: 'p', features: run(50), label: 'true_positive' },
    ];
    const tol = feedbackTolerances(labelled, baselineOf, features);
    const z50 = (50 - (baselines.pipelines.get('p')?.features[D]?.mean ?? 0)) / 2;
    expect(tol.p.execution_time_s).toBeLessThan(z50 / 3 + 0.5);
    const huge = feedbackTolerances(
      [{ pipeline_id: 'p', features: run(3000), label: 'false_positive' }],
      baselineOf,
      features,
    );
    expect(huge.p.execution_time_s).toBe(MAX_TOLERANCE);
  });

  it('changes the next model’s answer on the same input, and survives the artifact', () => {
    const rows = history.map((h) => h.features);
    const odd = run(45);
    const before = trainAnomalyModel(rows, new SeededRng(1), { baselineOf: () => baselineOf('p') });
    const ctx = (model: typeof before) => ({
      model: { model, version: 'v' },
      baselines,
      pipelineId: 'p',
      signatures: [],
    });
    expect(detect(odd, ctx(before)).is_anomaly).toBe(true);
    const after = trainAnomalyModel([...rows, odd, odd, odd, odd, odd], new SeededRng(1), {
      baselineOf: () => baselineOf('p'),
    });
    const taught = withFeedback(
      after,
      [{ pipeline_id: 'p', features: odd, label: 'false_positive' }],
      baselineOf,
    );
    const back = decodeAnomalyModel(encodeAnomalyModel(taught));
    const verdict = detect(odd, ctx(back));
    expect(verdict.is_anomaly).toBe(false);
    expect(verdict.notes.join(' ')).toMatch(
      /feedback on false alarms widened this pipeline's normal range: execution_time_s ×/,
    );
    // Another pipeline keeps its own limits; a much longer run still alerts on this one.
    expect(detect(odd, { ...ctx(back), pipelineId: 'q' }).notes.join(' ')).not.toMatch(/feedback/);
    expect(detect(run(120), ctx(back)).is_anomaly).toBe(true);
  });

  it('raises a pipeline’s forest bar just above its false alarms, never to a confirmed anomaly', () => {
    const fp = (p: string, raw: number): LabelledRun & { raw: number } => ({
      pipeline_id: p,
      features: run(30),
      label: 'false_positive',
      raw,
    });
    const tp = (p: string, raw: number): LabelledRun & { raw: number } => ({
      pipeline_id: p,
      features: run(30),
      label: 'true_positive',
      raw,
    });
    const rawOf = (r: LabelledRun) => (r as LabelledRun & { raw: number }).raw;
    const bars = feedbackForestBars(
      [fp('a', 0.7), fp('a', 0.8), fp('b', 0.4), fp('c', 0.9), tp('c', 0.85), fp('d', 0.9), tp('d', 0.6)],
      rawOf,
      0.6,
    );
    expect(bars.a).toBeCloseTo(0.8, 5);
    expect(bars.a).toBeGreaterThan(0.8);
    expect(bars.b).toBeUndefined(); // the forest did not raise it
    expect(bars.c).toBeLessThan(0.85); // the confirmed anomaly still clears the bar
    expect(bars.c).toBeGreaterThan(0.6);
    expect(bars.d).toBeUndefined(); // a confirmed anomaly at the model's own threshold: no bar at all
  });
});
