import { describe, expect, it } from 'vitest';
import type { EncodedPredictionRows, PredictionRow, SqlClient } from '../../ports/index.js';
import { SqlPredictionStore } from './sql-prediction-store.js';

const row = (id: string): PredictionRow => ({
  id,
  kind: 'run_start',
  pipeline_id: 'p1',
  execution_id: 'e1',
  model_version: 'prediction-a',
  model_type: 'gradient_boosting',
  shadow: false,
  failure_probability: 0.7,
  features: { runs_so_far: 12, fail_rate_24h: null, odd: NaN },
  stage_risks: [{ name: 'extract "x"', risk: 0.8, is_critical: true }],
  top_risk_factors: ['3 failures in a row\n(raises the risk)'],
  duration_model_version: 'duration-a',
  duration_forecast: { expected_seconds: 100, p90_seconds: 150, timeout_breach_probability: null },
  timeout_seconds: 120,
  predicted_at: 1,
  planned_at: null,
  outcome: null,
  outcome_at: null,
  actual_duration_seconds: null,
});

/** Rows as the writer hands them over: the encodings, joined on demand. */
const handed = (texts: readonly string[]): EncodedPredictionRows => ({
  count: texts.length,
  joined: (from, to) => texts.slice(from, to).join(','),
});

/** A client that records each statement's parameters, inside a transaction or not. */
function recordingSql() {
  const params: unknown[][] = [];
  const sql: SqlClient = {
    query: async (_text, p = []) => {
      params.push([...p]);
      return { rows: [] };
    },
    exec: async () => undefined,
    transaction: async (fn) => fn(sql),
  };
  return { sql, params };
}

describe('SqlPredictionStore.write', () => {
  it('sends encoded rows as the same JSON array text as the rows themselves, rowsPerStatement per INSERT', async () => {
    const { sql, params } = recordingSql();
    const store = new SqlPredictionStore(sql, 2);
    const rows = [row('a'), row('b'), row('c')];
    await store.write({ rows: handed(rows.map((r) => store.encode(r))), starts: [], outcomes: [] });
    expect(params).toEqual([[JSON.stringify(rows.slice(0, 2))], [JSON.stringify(rows.slice(2))]]);
  });
});
