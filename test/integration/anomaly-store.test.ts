import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAnomalyStore, SqlModelStore } from '../../src/adapters/index.js';
import {
  decodeAnomalyModel,
  emptyRecord,
  encodeAnomalyModel,
  recordFeatures,
  trainAnomalyModel,
} from '../../src/anomaly/index.js';
import type { AnomalyRow, IncidentRow, ModelVersion, SqlClient } from '../../src/ports/index.js';
import { ModelRegistry } from '../../src/registry/index.js';
import { FakeClock, SeededRng } from '../../src/shared/index.js';
import { storeBackends, type BackendEnv } from '../helpers/store-backends.js';

const rows = Array.from({ length: 12 }, (_, i) =>
  recordFeatures(
    emptyRecord({
      duration_seconds: 25 + i,
      data_volume_mb: 200 + i,
      failure_count_1h: 0,
      cpu_percent: 45 + i,
      memory_percent: 40 + i,
      retry_count: 0,
    }),
  ),
);

/** An open incident seen once at t0; `over` sets what a test is about. */
function incidentRow(t0: number, over: Partial<IncidentRow> = {}): IncidentRow {
  return {
    id: 'inc-1',
    pipeline_id: 'p',
    kind: 'execution',
    status: 'open',
    opened_at: t0,
    last_seen_at: t0,
    resolved_at: null,
    anomaly_count: 1,
    max_score: 0.8,
    title: 'retry burst',
    ...over,
  };
}

/** An anomaly of incident inc-1 detected at t0; `over` sets what a test is about. */
function anomalyRow(t0: number, over: Partial<AnomalyRow> = {}): AnomalyRow {
  return {
    id: 'a-1',
    kind: 'execution',
    pipeline_id: 'p',
    execution_id: 'x1',
    metric: null,
    detected_at: t0,
    score: 0.8,
    reasons: ['retry burst'],
    algorithm: 'zscore_rules',
    model_version: null,
    contributions: { retry_count: 1 },
    inputs: { retry_count: 6 },
    incident_id: 'inc-1',
    ...over,
  };
}

for (const backend of await storeBackends('anomaly_store')) {
  describe.skipIf(backend.skip !== null)(`model registry and anomaly store on ${backend.name}`, () => {
    let env: BackendEnv;
    let sql: SqlClient;
    beforeAll(async () => {
      env = await backend.setup();
      sql = await env.sql();
    });
    afterAll(async () => {
      await env?.teardown();
    });

    it('round-trips a model version and retires the previous full one', async () => {
      const clock = new FakeClock(Date.parse('2026-03-01T12:00:00Z'));
      const registry = new ModelRegistry(new SqlModelStore(sql), clock);
      expect(await registry.active('anomaly')).toBeNull();
      const model = trainAnomalyModel(rows, new SeededRng(1));
      const draft = {
        kind: 'anomaly' as const,
        artifact: encodeAnomalyModel(model),
        training_window: {
          start: Date.parse('2026-02-22T00:00:00Z'),
          end: Date.parse('2026-03-01T00:00:00Z'),
        },
        contamination: 0.05,
        feature_names: ['execution_time_s', 'data_volume_mb'],
        metrics: { training_alert_rate: 0.08 },
      };
      const first = await registry.registerFull(draft);
      clock.advance(60_000);
      const second = await registry.registerFull({ ...draft, metrics: { training_alert_rate: 0.05 } });
      expect(second.model_version).not.toBe(first.model_version);

      const active = (await registry.active('anomaly')) as ModelVersion;
      expect(active).toEqual(second);
      const back = decodeAnomalyModel(active.artifact);
      const x = { data: Float64Array.from([30, 205, 0, 50, 45, 0, 0]), rows: 1, cols: 7 };
      expect(back.forest.scoreSamples(x)[0]).toBe(model.forest.scoreSamples(x)[0]);

      const list = await registry.list({ kind: 'anomaly', limit: 10, offset: 0 });
      expect(list.total).toBe(2);
      expect(list.items.map((v) => [v.model_version, v.status])).toEqual([
        [second.model_version, 'full'],
        [first.model_version, 'retired'],
      ]);
      expect(list.items[0]).not.toHaveProperty('artifact');

      const again = await registry.registerFull({ ...draft, metrics: { training_alert_rate: 0.05 } });
      expect(again.model_version).toBe(`${second.model_version}-2`);
    });

    it('stores anomalies, one open incident per pipeline and kind, insights and feedback', async () => {
      const store = new SqlAnomalyStore(sql);
      const t0 = Date.parse('2026-03-01T10:00:00Z');
      const incident = incidentRow(t0);
      const anomaly = anomalyRow(t0);
      const insight = {
        id: 'i-1',
        insight_type: 'anomaly' as const,
        source: 'anomaly',
        source_id: 'a-1',
        pipeline_id: 'p',
        execution_id: 'x1',
        severity: 'high' as const,
        title: 'Abnormal run',
        description: 'retry burst',
        recommendation: null,
        confidence: 0.8,
        metadata: {},
        created_at: t0,
      };
      await store.save({ anomalies: [anomaly], incidents: [incident], insights: [insight] });
      await expect(
        store.save({ anomalies: [], incidents: [{ ...incident, id: 'inc-2' }], insights: [] }),
      ).rejects.toThrow();
      await store.save({
        anomalies: [],
        incidents: [{ ...incident, status: 'resolved', resolved_at: t0 + 60_000, anomaly_count: 2 }],
        insights: [],
      });
      expect(await store.openIncidents()).toEqual([]);
      const incidents = await store.listIncidents({ limit: 10, offset: 0, pipeline_id: 'p' });
      expect(incidents).toEqual({
        items: [{ ...incident, status: 'resolved', resolved_at: t0 + 60_000, anomaly_count: 2 }],
        total: 1,
      });
      expect(await store.getAnomaly('a-1')).toEqual(anomaly);
      expect(await store.listAnomalies({ limit: 10, offset: 0, min_score: 0.9 })).toEqual({
        items: [],
        total: 0,
      });
      expect(await store.listAnomalies({ limit: 10, offset: 0, since: t0, kind: 'execution' })).toEqual({
        items: [anomaly],
        total: 1,
      });
      await store.addFeedback({
        id: 'f-1',
        anomaly_id: 'a-1',
        label: 'true_positive',
        note: null,
        created_at: t0,
      });
      expect(await store.listFeedback(10)).toEqual([
        { id: 'f-1', anomaly_id: 'a-1', label: 'true_positive', note: null, created_at: t0 },
      ]);
      const { rows: kept } = await sql.query<{ insight_type: string; confidence: string }>(
        'SELECT insight_type, confidence::text FROM flexiroaster_ai.insights',
      );
      expect(kept).toEqual([{ insight_type: 'anomaly', confidence: '0.80' }]);
    });

    it('saves a score that is not a finite number instead of failing the whole save', async () => {
      const store = new SqlAnomalyStore(sql);
      const t0 = Date.parse('2026-03-03T10:00:00Z');
      const incident = incidentRow(t0, { id: 'inc-nan', pipeline_id: 'nan', max_score: Infinity });
      const anomaly = anomalyRow(t0, { id: 'a-nan', pipeline_id: 'nan', score: NaN, incident_id: 'inc-nan' });
      await store.save({ anomalies: [anomaly], incidents: [incident], insights: [] });
      expect(await store.getAnomaly('a-nan')).toEqual(anomaly);
      const incidents = await store.listIncidents({ limit: 10, offset: 0, pipeline_id: 'nan' });
      expect(incidents.items).toEqual([incident]);
    });

    it('saves repeats in one batch as saving them one by one would', async () => {
      const store = new SqlAnomalyStore(sql);
      const t0 = Date.parse('2026-03-02T10:00:00Z');
      const opened = incidentRow(t0, { id: 'inc-r1', pipeline_id: 'q', max_score: 0.7, title: 'slow runs' });
      const resolved = {
        ...opened,
        status: 'resolved' as const,
        resolved_at: t0 + 5_000,
        anomaly_count: 3,
        max_score: 0.9,
      };
      // The same pipeline and kind opens again after the first is resolved, in the same save.
      const next = {
        ...opened,
        id: 'inc-r2',
        opened_at: t0 + 6_000,
        last_seen_at: t0 + 6_000,
        title: 'again',
      };
      const anomaly = anomalyRow(t0, {
        id: 'a-r1',
        pipeline_id: 'q',
        execution_id: 'x9',
        score: 0.7,
        reasons: ['slow'],
        algorithm: 'streaming',
        contributions: {},
        inputs: { duration_seconds: 99.5 },
        incident_id: 'inc-r1',
      });
      const insight = {
        id: 'i-r1',
        insight_type: 'anomaly' as const,
        source: 'incident',
        source_id: 'inc-r1',
        pipeline_id: 'q',
        execution_id: null,
        severity: 'medium' as const,
        title: 'Incident',
        description: 'first',
        recommendation: null,
        confidence: 0.7,
        metadata: { n: 1 },
        created_at: t0,
      };
      await store.save({
        anomalies: [anomaly, { ...anomaly, score: 0.1 }],
        incidents: [opened, resolved, next],
        insights: [
          insight,
          {
            ...insight,
            id: 'i-r2',
            severity: 'high',
            description: 'later',
            confidence: 0.904,
            metadata: { n: 2 },
          },
        ],
      });
      const incidents = await store.listIncidents({ limit: 10, offset: 0, pipeline_id: 'q' });
      expect(incidents.items.sort((a, b) => a.id.localeCompare(b.id))).toEqual([resolved, next]);
      expect(await store.getAnomaly('a-r1')).toEqual(anomaly);
      const { rows } = await sql.query<Record<string, unknown>>(
        `SELECT id, severity, description, confidence::text AS confidence, metadata FROM flexiroaster_ai.insights
         WHERE source_id = 'inc-r1'`,
      );
      expect(rows).toEqual([
        { id: 'i-r1', severity: 'high', description: 'later', confidence: '0.90', metadata: { n: 2 } },
      ]);
    });
  });
}
