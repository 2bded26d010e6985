import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAnomalyOutcomes, SqlAnomalyStore, SqlModelStore } from '../../src/adapters/index.js';
import type { ModelVersion, SqlClient } from '../../src/ports/index.js';
import { ModelRegistry, type ModelDraft } from '../../src/registry/index.js';
import { FakeClock } from '../../src/shared/index.js';
import { storeBackends, type BackendEnv } from '../helpers/store-backends.js';

const draft = (kind: ModelDraft['kind'], tag: string): ModelDraft => ({
  kind,
  artifact: JSON.stringify({ tag }),
  training_window: { start: Date.parse('2026-02-01T00:00:00Z'), end: Date.parse('2026-03-01T00:00:00Z') },
  contamination: null,
  feature_names: ['failure_rate_24h'],
  metrics: { roc_auc: 0.7 },
});

for (const backend of await storeBackends('model_rollout')) {
  describe.skipIf(backend.skip !== null)(`model rollout on ${backend.name}`, () => {
    let env: BackendEnv;
    let sql: SqlClient;
    beforeAll(async () => {
      env = await backend.setup();
      sql = await env.sql();
    });
    afterAll(async () => {
      await env?.teardown();
    });

    it('keeps canary share and previous full, and rolls back through the SQL store', async () => {
      const clock = new FakeClock(Date.parse('2026-03-01T12:00:00Z'));
      const store = new SqlModelStore(sql);
      const registry = new ModelRegistry(store, clock);
      const a = await registry.registerFull(draft('prediction', 'a'));
      clock.advance(1000);
      const b = await registry.registerShadow(draft('prediction', 'b'));
      expect(await store.get('prediction', b.model_version)).toEqual(b);

      await registry.promote(b.model_version, { to: 'canary', share: 0.3 });
      const live = await store.withStatus('prediction', ['full', 'canary', 'shadow']);
      expect(live.map((v) => [v.model_version, v.status, v.rollout_share])).toEqual([
        [b.model_version, 'canary', 0.3],
        [a.model_version, 'full', null],
      ]);
      expect(live[0].artifact).toBe(b.artifact);

      const full = await registry.promote(b.model_version, { to: 'full' });
      expect(full).toMatchObject({ status: 'full', rollout_share: null, previous_full: a.model_version });
      expect((await registry.rollback('prediction')).restored).toMatchObject({
        model_version: a.model_version,
        status: 'full',
      });
      expect((await store.get('prediction', b.model_version))?.status).toBe('retired');
      await expect(registry.rollback('prediction')).rejects.toMatchObject({ code: 'CONFLICT' });
    });

    it('applies a list of changes all or nothing, and only from the expected status', async () => {
      const clock = new FakeClock(Date.parse('2026-03-02T12:00:00Z'));
      const store = new SqlModelStore(sql);
      const registry = new ModelRegistry(store, clock);
      const full = await registry.registerFull(draft('duration', 'a'));
      const shadow = await registry.registerShadow(draft('duration', 'b'));
      await expect(
        store.update('duration', [
          { model_version: full.model_version, from: 'full', to: 'retired', rollout_share: null },
          { model_version: shadow.model_version, from: 'canary', to: 'full', rollout_share: null },
        ]),
      ).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('no longer canary') });
      expect((await store.get('duration', full.model_version))?.status).toBe('full');

      // One full per kind, even when a writer forgets to retire the old one.
      await expect(
        store.update('duration', [
          { model_version: shadow.model_version, from: 'shadow', to: 'full', rollout_share: null },
        ]),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      const stray: ModelVersion = { ...shadow, model_version: 'duration-stray', status: 'full' };
      await expect(store.insert(stray)).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(
        store.update('duration', [
          { model_version: shadow.model_version, from: 'shadow', to: 'canary', rollout_share: 1.5 },
        ]),
      ).rejects.toThrow();
    });

    it('lists versions of one kind or all, newest first, within a time range', async () => {
      const store = new SqlModelStore(sql);
      const all = await store.list({ limit: 100, offset: 0 });
      expect(all.total).toBeGreaterThanOrEqual(4);
      expect(new Set(all.items.map((v) => v.kind))).toEqual(new Set(['prediction', 'duration']));
      const since = Date.parse('2026-03-02T00:00:00Z');
      const recent = await store.list({ limit: 1, offset: 0, since });
      expect(recent.total).toBe(2);
      expect(recent.items).toHaveLength(1);
      expect(recent.items[0]).toMatchObject({ kind: 'duration', status: 'shadow' });
      expect((await store.list({ kind: 'prediction', limit: 10, offset: 0, until: since })).total).toBe(2);
    });

    it("sees another process's promotion once its routing refresh period has passed", async () => {
      const clock = new FakeClock(Date.parse('2026-03-03T12:00:00Z'));
      const here = new ModelRegistry(new SqlModelStore(sql), clock, { routeRefreshMs: 5000 });
      const there = new ModelRegistry(new SqlModelStore(sql), clock, { routeRefreshMs: 5000 });
      await here.registerFull(draft('anomaly', 'a'));
      const b = await here.registerShadow(draft('anomaly', 'b'));
      const serving = async () => (await here.route('anomaly', 'p1')).serving?.model_version;
      const before = await serving();
      await there.promote(b.model_version, { to: 'full' });
      clock.advance(4999);
      expect(await serving()).toBe(before);
      clock.advance(1);
      expect(await serving()).toBe(b.model_version);
    });

    it('reads anomaly outcomes from labelled anomalies of the asked versions', async () => {
      const anomalies = new SqlAnomalyStore(sql);
      const t0 = Date.parse('2026-03-01T10:00:00Z');
      const row = (id: string, version: string, score: number, at: number) => ({
        id,
        kind: 'execution',
        pipeline_id: 'p',
        execution_id: id,
        metric: null,
        detected_at: at,
        score,
        reasons: [],
        algorithm: 'isolation_forest+zscore',
        model_version: version,
        contributions: {},
        inputs: {},
        incident_id: null,
      });
      await anomalies.save({
        anomalies: [
          row('x1', 'anomaly-v1', 0.9, t0),
          row('x2', 'anomaly-v1', 0.6, t0 + 1000),
          row('x3', 'anomaly-v2', 0.7, t0 + 2000),
          row('x4', 'anomaly-v1', 0.8, t0 - 60_000),
          row('x5', 'anomaly-v1', 0.5, t0 + 3000),
        ],
        incidents: [],
        insights: [],
      });
      const fb = (id: string, anomalyId: string, label: 'true_positive' | 'false_positive', at: number) =>
        anomalies.addFeedback({ id, anomaly_id: anomalyId, label, note: null, created_at: at });
      await fb('f1', 'x1', 'true_positive', t0);
      await fb('f2', 'x2', 'true_positive', t0);
      await fb('f3', 'x2', 'false_positive', t0 + 5000); // the later label counts
      await fb('f4', 'x3', 'true_positive', t0);
      await fb('f5', 'x4', 'true_positive', t0);
      const outcomes = new SqlAnomalyOutcomes(sql);
      const got = await outcomes.scoredOutcomes('anomaly', ['anomaly-v1'], t0);
      expect(got.sort((p, q) => p.at - q.at)).toEqual([
        { model_version: 'anomaly-v1', score: 0.9, label: 1, at: t0 },
        { model_version: 'anomaly-v1', score: 0.6, label: 0, at: t0 + 1000 },
      ]);
      expect(await outcomes.scoredOutcomes('prediction', ['anomaly-v1'], t0)).toEqual([]);
    });
  });
}
