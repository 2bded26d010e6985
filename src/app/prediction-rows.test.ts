import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { predictionRow, type PredictionRowContext, type ScoredBy } from './prediction-rows.js';

const context = (i: number): PredictionRowContext => ({
  kind: i % 3 === 0 ? 'preflight' : 'request',
  pipeline_id: i % 2 === 0 ? null : `p${i}`,
  execution_id: null,
  features: { runs_so_far: i, avg_cpu_percent: 50.5 },
  predicted_at: 1_700_000_000_000 + i,
  planned_at: i % 3 === 0 ? 1_700_000_300_000 : null,
});

const scored = (i: number): ScoredBy => ({
  id: `id-${i}`,
  model_version: i % 4 === 0 ? null : 'prediction-a',
  model_type: i % 4 === 0 ? 'heuristic' : 'gradient_boosting',
  shadow: i % 5 === 0,
  failure_probability: i / 1000,
  stage_risks: [{ name: 'extract', risk: 0.5, is_critical: true }],
  top_risk_factors: ['2 stages to pass (raises the risk)'],
  duration_model_version: null,
  duration_forecast:
    i % 2 === 0 ? null : { expected_seconds: 60, p90_seconds: 90, timeout_breach_probability: null },
});

describe('predictionRow', () => {
  it('is the prediction, the model that scored it and an outcome still unknown', () => {
    expect(predictionRow(context(1), 900, scored(1))).toEqual({
      ...context(1),
      ...scored(1),
      timeout_seconds: 900,
      outcome: null,
      outcome_at: null,
      actual_duration_seconds: null,
    });
  });

  it('gives rows of different predictions one hidden class (a spread of shared fields gave each its own)', () => {
    setFlagsFromString('--allow-natives-syntax');
    const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
    // Warm up with every kind of value each field takes, so the fields' representations are settled.
    const rows = Array.from({ length: 300 }, (_, i) =>
      predictionRow(context(i), i % 2 === 0 ? null : 900, scored(i)),
    );
    const last = rows.slice(-100);
    expect(last.filter((r) => !sameMap(r, last[0])).length).toBe(0);
  });
});
