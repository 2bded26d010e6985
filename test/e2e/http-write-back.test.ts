/**
 * Write-back as the demo runs it: the FlexiRoaster tables in the demo schema of the service's own
 * (PGlite) store, insights made through the HTTP API, read back by the insight routes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoSchema, pruneDemoRows } from '../../src/adapters/index.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const SCHEMA = 'flexiroaster_demo';
const P = randomUUID();
const KPIS = {
  avg_duration_seconds: 300,
  retry_frequency: 1.4,
  avg_cpu_percent: 87,
  avg_memory_percent: 82,
  stage_count: 6,
  parallelizable: true,
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ writeBack: { sql: 'store', schema: SCHEMA, intervalMs: 60_000, batchSize: 100 } });
  await ensureDemoSchema(t.store.sql, SCHEMA);
  await t.store.sql.query(`INSERT INTO ${SCHEMA}.pipelines (id, name) VALUES ($1, 'etl')`, [P]);
});
afterAll(async () => {
  await t?.close();
});

const post = (url: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url, payload });
const get = (url: string) => t.app.inject({ url });
const rows = async () =>
  (
    await t.store.sql.query<{ id: string; title: string; confidence: number; is_dismissed: boolean }>(
      `SELECT id::text, title, confidence::float8 AS confidence, is_dismissed FROM ${SCHEMA}.ai_insights ORDER BY title`,
    )
  ).rows;

describe('write-back into the demo schema', () => {
  it('writes the insights of known pipelines to ai_insights, counts the rest, and reads dismissals back', async () => {
    const made = (await post('/api/ai/recommendations', { ...KPIS, pipeline_id: P })).json();
    const n = made.recommendations.length as number;
    expect(n).toBeGreaterThanOrEqual(3);
    await post('/api/ai/recommendations', { ...KPIS, pipeline_id: 'ghost' });

    expect(await t.writeBack?.tick()).toMatchObject({ insights: n, skipped: n });
    const written = await rows();
    expect(written).toHaveLength(n);
    for (const r of written) {
      expect(r.confidence).toBeGreaterThanOrEqual(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
    }
    const metrics = (await get('/metrics')).body;
    expect(metrics).toContain(`flexiroaster_write_back_rows{what="insight"} ${n}`);
    expect(metrics).toContain(`flexiroaster_write_back_skipped{reason="pipeline_not_in_source"} ${n}`);

    // The web app's list, from the same records: newest first, in its shape.
    const listed = (await get(`/api/ai/insights/${P}`)).json();
    expect(listed.total_count).toBe(n);
    expect(Object.keys(listed.insights[0])).toEqual(
      expect.arrayContaining([
        'type',
        'severity',
        'title',
        'message',
        'recommendation',
        'confidence',
        'pipeline_id',
        'timestamp',
      ]),
    );

    // Dismissed in FlexiRoaster: gone from the lists after the next pass.
    await t.store.sql.query(`UPDATE ${SCHEMA}.ai_insights SET is_dismissed = true WHERE title = $1`, [
      written[0].title,
    ]);
    expect(await t.writeBack?.tick()).toMatchObject({ insights: 0, dismissed: 1 });
    const after = (await get(`/api/ai/insights/${P}`)).json();
    expect(after.total_count).toBe(n - 1);
    expect(after.insights.map((i: { title: string }) => i.title)).not.toContain(written[0].title);
    const all = (await get('/api/ai/insights')).json();
    expect(all.insights.filter((i: { pipeline_id: string }) => i.pipeline_id === P)).toHaveLength(n - 1);
  });

  it('prunes old demo executions even when written-back insights name them', async () => {
    const old = Date.parse('2026-03-01T06:00:00Z');
    const e = await t.store.sql.query<{ id: string }>(
      `INSERT INTO ${SCHEMA}.executions (pipeline_id, status, created_at) VALUES ($1, 'failed', to_timestamp($2::float8 / 1000))
       RETURNING id::text AS id`,
      [P, old],
    );
    const execution = e.rows[0].id;
    await t.store.sql.query(
      `INSERT INTO ${SCHEMA}.ai_insights (insight_type, pipeline_id, execution_id, title, created_at)
       VALUES ('anomaly', $1, $2, 'names an old run', now())`,
      [P, execution],
    );
    await pruneDemoRows(t.store.sql, SCHEMA, old + 1000);
    const left = await t.store.sql.query<{ execution_id: string | null }>(
      `SELECT execution_id::text FROM ${SCHEMA}.ai_insights WHERE title = 'names an old run'`,
    );
    expect(left.rows).toEqual([{ execution_id: null }]);
    const runs = await t.store.sql.query(`SELECT 1 FROM ${SCHEMA}.executions WHERE id = $1`, [execution]);
    expect(runs.rows).toHaveLength(0);
  });
});
