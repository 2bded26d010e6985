import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlInsightStore, SqlRootCauseStore, SqlTemplateStore } from '../../src/adapters/index.js';
import type { InsightRow, SqlClient, TemplateRow } from '../../src/ports/index.js';
import { storeBackends, type BackendEnv } from '../helpers/store-backends.js';

const T = Date.parse('2026-03-01T12:00:00Z');
const DAY = 86_400_000;

function template(id: string, seq: number, count: number): TemplateRow {
  return {
    id,
    seq,
    text: `disk full on <*> ${id}`,
    tokens: ['disk', 'full', 'on', '<*>', id],
    route: ['disk', 'full'],
    count,
    example: 'disk full on /data',
    signature: 'disk_full',
    first_seen: T,
    last_seen: T + 1000,
  };
}

function insight(sourceId: string, createdAt: number, confidence = 0.756): InsightRow {
  return {
    id: `optimization:${sourceId}`,
    insight_type: 'optimization',
    source: 'recommendation',
    source_id: sourceId,
    pipeline_id: sourceId.split(':')[0],
    execution_id: null,
    severity: 'medium',
    title: 'Add CPU',
    description: 'Add CPU: average CPU is 92%',
    recommendation: 'average CPU is 92%',
    confidence,
    metadata: { kind: 'scale_cpu' },
    created_at: createdAt,
  };
}

for (const backend of await storeBackends('log_stores')) {
  describe.skipIf(backend.skip !== null)(`template, root-cause and insight stores on ${backend.name}`, () => {
    let env: BackendEnv;
    let sql: SqlClient;
    beforeAll(async () => {
      env = await backend.setup();
      sql = await env.sql();
    });
    afterAll(async () => {
      await env?.teardown();
    });

    it('saves templates and per-pipeline counts, and retires merged ids as aliases', async () => {
      const store = new SqlTemplateStore(sql);
      const stat = (id: string, count: number) => ({
        template_id: id,
        pipeline_id: 'p1',
        count,
        first_seen: T,
        last_seen: null,
      });
      await store.save({
        templates: [template('a', 0, 1), template('b', 1, 2)],
        pipelineStats: [stat('a', 1), stat('b', 2)],
        aliases: {},
      });
      await store.save({
        templates: [template('a', 0, 3)],
        pipelineStats: [stat('a', 3)],
        aliases: { b: 'a' },
      });
      const loaded = await store.load();
      expect(loaded.templates).toEqual([template('a', 0, 3)]);
      expect(loaded.aliases).toEqual({ b: 'a' });
      expect(loaded.pipelineStats).toEqual([stat('a', 3)]);
    });

    it('stores root causes and counts distinct failed runs of a stage in the window', async () => {
      const store = new SqlRootCauseStore(sql);
      const failedStage = (execution: string, stage: string, at: number, status = 'failed') =>
        sql.query(
          `INSERT INTO flexiroaster_ai.events (key, kind, pipeline_id, event_time, received_at, payload)
           VALUES ($1, 'stage', 'p1', to_timestamp($2::float8 / 1000), now(), $3::jsonb)`,
          [
            `s:p1:${execution}:${stage}`,
            at,
            JSON.stringify({ stage_name: stage, status, execution_id: execution }),
          ],
        );
      await failedStage('r1', 'load', T - DAY);
      await failedStage('r1', 'load', T - DAY); // the same run twice counts once
      await failedStage('r2', 'load', T - 2 * DAY);
      await failedStage('r3', 'load', T - 8 * DAY); // too old
      await failedStage('r4', 'load', T - DAY, 'completed');
      await failedStage('r5', 'extract', T - DAY);
      await failedStage('now', 'load', T - 1000); // the failing run itself
      const q = { pipelineId: 'p1', stageName: 'load', sinceMs: T - 7 * DAY, untilMs: T };
      expect(await store.countStageFailures({ ...q, excludeExecutionId: 'now' })).toBe(2);
      expect(await store.countStageFailures({ ...q, excludeExecutionId: null })).toBe(3);

      const result = { failing_stage: 'load', primary_cause: 'unknown' };
      await store.save([
        { execution_id: 'now', pipeline_id: 'p1', failed_at: T, analyzed_at: T + 5000, result },
      ]);
      expect(await store.get('now')).toEqual({
        execution_id: 'now',
        pipeline_id: 'p1',
        failed_at: T,
        analyzed_at: T + 5000,
        result,
      });
      expect(await store.get('other')).toBeNull();
    });

    it('upserts insights by source, lists them newest first without dismissed ones', async () => {
      const store = new SqlInsightStore(sql);
      await store.upsert([
        insight('p1:scale_cpu', T),
        insight('p1:reduce_retries', T + 1000),
        insight('p2:scale_cpu', T + 2000),
      ]);
      await store.upsert([insight('p1:scale_cpu', T + 3000, 0.9)]);
      const all = await store.list({ limit: 10, offset: 0 });
      expect(all.total).toBe(3);
      expect(all.items.map((i) => [i.source_id, i.created_at, i.confidence])).toEqual([
        ['p1:scale_cpu', T + 3000, 0.9],
        ['p2:scale_cpu', T + 2000, 0.76],
        ['p1:reduce_retries', T + 1000, 0.76],
      ]);
      expect(await store.dismiss('optimization:p2:scale_cpu')).toBe(true);
      expect(await store.dismiss('nope')).toBe(false);
      const p1 = await store.list({ pipeline_id: 'p1', limit: 1, offset: 1 });
      expect(p1).toEqual({ total: 2, items: [expect.objectContaining({ source_id: 'p1:reduce_retries' })] });
      expect((await store.list({ limit: 10, offset: 0 })).total).toBe(2);
    });
  });
}
