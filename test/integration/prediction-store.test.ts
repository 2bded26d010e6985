import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlPredictionStore } from '../../src/adapters/index.js';
import { EncodedRowBuffer } from '../../src/app/encoded-rows.js';
import type { PredictionRow, SqlClient } from '../../src/ports/index.js';
import { storeBackends, type BackendEnv } from '../helpers/store-backends.js';

const T = Date.parse('2026-03-01T12:00:00Z');
const MIN = 60_000;

/** The rows as the prediction writer hands them to the store. */
function handed(store: SqlPredictionStore, rows: readonly PredictionRow[]): EncodedRowBuffer {
  const buffer = new EncodedRowBuffer();
  for (const r of rows) buffer.push(store.encode(r));
  return buffer;
}

function row(id: string, over: Partial<PredictionRow> = {}): PredictionRow {
  return {
    id,
    kind: 'run_start',
    pipeline_id: 'p1',
    execution_id: 'e1',
    model_version: 'prediction-a',
    model_type: 'gradient_boosting',
    shadow: false,
    failure_probability: 0.7,
    features: { runs_so_far: 12, fail_rate_24h: NaN },
    stage_risks: [{ name: 'extract', risk: 0.8, is_critical: true }],
    top_risk_factors: ['3 failures in a row (raises the risk)'],
    duration_model_version: 'duration-a',
    duration_forecast: { expected_seconds: 100, p90_seconds: 150, timeout_breach_probability: 0.2 },
    timeout_seconds: 120,
    predicted_at: T,
    planned_at: null,
    outcome: null,
    outcome_at: null,
    actual_duration_seconds: null,
    ...over,
  };
}

for (const backend of await storeBackends('prediction_store')) {
  describe.skipIf(backend.skip !== null)(`prediction store on ${backend.name}`, () => {
    let env: BackendEnv;
    let sql: SqlClient;
    let store: SqlPredictionStore;
    beforeAll(async () => {
      env = await backend.setup();
      sql = await env.sql();
      // Two rows per INSERT: a write of five rows goes in as three statements, then the run start.
      store = new SqlPredictionStore(sql, 2);
    });
    afterAll(async () => {
      await env?.teardown();
    });

    it('stores predictions, links preflights to their run and joins outcomes', async () => {
      await store.write({
        rows: handed(store, [
          row('r1'),
          row('r2', { shadow: true, model_version: 'prediction-b', failure_probability: 0.4 }),
          row('pf', { kind: 'preflight', execution_id: null, planned_at: T, predicted_at: T - 5 * MIN }),
          row('pf-other', { kind: 'preflight', execution_id: null, planned_at: T + 60 * MIN }),
          row('req', {
            kind: 'request',
            pipeline_id: null,
            execution_id: null,
            predicted_at: T + MIN,
            // Through the writer's UTF-8 bytes and back: two- to four-byte characters.
            stage_risks: [{ name: 'Überprüfung ✓ 🚀', risk: 0.5, is_critical: false }],
          }),
        ]),
        starts: [{ pipeline_id: 'p1', execution_id: 'e1', from: T - 5 * MIN, to: T + 5 * MIN }],
        outcomes: [],
      });
      await store.write({
        rows: handed(store, []),
        starts: [],
        outcomes: [
          {
            pipeline_id: 'p1',
            execution_id: 'e1',
            failed: true,
            completed_at: T + 3 * MIN,
            duration_seconds: 180,
          },
        ],
      });
      const all = await store.list({ limit: 50, offset: 0 });
      expect(all.total).toBe(5);
      expect(all.items[0]).toMatchObject({
        id: 'req',
        stage_risks: [{ name: 'Überprüfung ✓ 🚀', risk: 0.5, is_critical: false }],
      });
      const r1 = all.items.find((r) => r.id === 'r1') as PredictionRow;
      expect(r1).toMatchObject({ outcome: 1, outcome_at: T + 3 * MIN, actual_duration_seconds: 180 });
      expect(r1.features).toEqual({ runs_so_far: 12, fail_rate_24h: null });
      expect(all.items.find((r) => r.id === 'pf')).toMatchObject({ execution_id: 'e1', outcome: 1 });
      expect(all.items.find((r) => r.id === 'pf-other')).toMatchObject({ execution_id: null, outcome: null });

      const filtered = async (q: object) =>
        (await store.list({ limit: 50, offset: 0, ...q })).items.map((r) => r.id).sort();
      expect(await filtered({ kind: 'preflight' })).toEqual(['pf', 'pf-other']);
      expect(await filtered({ shadow: true })).toEqual(['r2']);
      expect(await filtered({ has_outcome: false })).toEqual(['pf-other', 'req']);
      expect(await filtered({ model_version: 'prediction-b' })).toEqual(['r2']);
      expect(await filtered({ since: T, until: T + MIN })).toEqual(['pf-other', 'r1', 'r2']);
    });

    it('answers the registry: labelled scores per version since a time', async () => {
      const byVersion = await store.scoredOutcomes(
        'prediction',
        ['prediction-a', 'prediction-b'],
        T - 10 * MIN,
      );
      expect(byVersion.map((o) => [o.model_version, o.score, o.label]).sort()).toEqual([
        ['prediction-a', 0.7, 1],
        ['prediction-a', 0.7, 1],
        ['prediction-b', 0.4, 1],
      ]);
      expect(await store.scoredOutcomes('prediction', ['prediction-a'], T + 1)).toEqual([]);
      const durations = await store.scoredOutcomes('duration', ['duration-a'], T - 10 * MIN);
      // 180 s against a 120 s timeout: breached.
      expect(durations.map((o) => [o.score, o.label])).toEqual([
        [0.2, 1],
        [0.2, 1],
        [0.2, 1],
      ]);
      expect(await store.scoredOutcomes('anomaly', ['prediction-a'], 0)).toEqual([]);
    });
  });
}
