import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { freshDataDir } from '../helpers/pglite.js';

const normal = (i: number) => ({
  duration_seconds: 25 + i,
  data_volume_mb: 200 + i,
  failure_count_1h: 0,
  cpu_percent: 45 + i,
  memory_percent: 40 + i,
  retry_count: 0,
});
const bad = {
  duration_seconds: 200,
  data_volume_mb: 1200,
  failure_count_1h: 6,
  cpu_percent: 97,
  memory_percent: 96,
  retry_count: 4,
  stage_errors: ['timeout', 'oom', 'timeout'],
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  expect(t.anomalyErrors).toEqual([]);
  await t?.close();
});

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(payload),
  });

describe('anomaly detect before any training', () => {
  it('answers with statistics and rules only, and says so', async () => {
    const res = await post('/api/ai/anomaly/detect', bad);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      is_anomaly: true,
      algorithm: 'zscore_rules',
      model_version: null,
      baseline: null,
    });
    expect(body.score).toBeGreaterThanOrEqual(0.5);
    expect(body.notes).toContain('no model trained yet: statistics and rules only');
    expect(body.reasons).toContain('retry burst: retry_count = 4 retries (no baseline yet)');
    const calm = (await post('/api/ai/anomaly/detect', { ...normal(3), pipeline_id: 'never-seen' })).json();
    expect(calm).toMatchObject({ is_anomaly: false, algorithm: 'zscore_rules', reasons: [] });
  });
});

describe('bad bodies are 400s naming the field', () => {
  const cases: [string, string, unknown, string][] = [
    ['detect', 'a string number', { cpu_percent: '97' }, 'cpu_percent'],
    ['detect', 'out of range', { memory_percent: 101 }, 'memory_percent'],
    ['detect', 'negative', { retry_count: -1 }, 'retry_count'],
    ['detect', 'errors not a list', { stage_errors: 'timeout' }, 'stage_errors'],
    ['detect', 'an error not a string', { stage_errors: ['x', 3] }, 'stage_errors.1'],
    ['detect', 'an array', [normal(1)], 'body'],
    ['detect', 'bad timestamp', { timestamp: 'yesterday' }, 'timestamp'],
    ['detect', 'no body at all', undefined, 'body'],
    ['train', 'a bad record', [normal(1), { duration_seconds: true }], '1.duration_seconds'],
    ['train', 'an object with fields', { records: [] }, 'body'],
    ['train', 'too few records', [normal(1)], 'body'],
  ];
  it.each(cases)('%s: %s', async (endpoint, _what, payload, field) => {
    const res = await post(`/api/ai/anomaly/${endpoint}`, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });

  it('missing and null numbers mean 0, as in the original', async () => {
    const res = await post('/api/ai/anomaly/detect', { cpu_percent: null });
    expect(res.statusCode).toBe(200);
  });
});

const T = (minutes: number) => new Date(Date.parse('2026-03-01T12:00:00Z') + minutes * 60_000).toISOString();
const run = (id: string, minutes: number, retries: number) => ({
  pipeline_id: 'grouped',
  execution_id: id,
  status: 'completed',
  duration_seconds: 30,
  retry_count: retries,
  cpu_percent: 40,
  memory_percent: 40,
  completed_at: T(minutes),
});

// Before any training: the online verdicts below rest on the rules alone.
describe('online detection and incidents', () => {
  it('groups anomalies of a pipeline into one incident that resolves after normal runs', async () => {
    // Retry bursts on two runs, then three normal runs.
    const plan = [
      run('r1', -50, 6),
      run('r2', -45, 7),
      run('r3', -40, 0),
      run('r4', -35, 0),
      run('r5', -30, 0),
    ];
    for (const r of plan) expect((await post('/api/monitoring/ingest', r)).statusCode).toBe(200);
    await t.anomaly.flush();

    const incidents = (await t.app.inject({ url: '/api/incidents?pipeline_id=grouped' })).json();
    expect(incidents.total).toBe(1);
    expect(incidents.items[0]).toMatchObject({
      pipeline_id: 'grouped',
      kind: 'execution',
      status: 'resolved',
      anomaly_count: 2,
      opened_at: T(-50),
      resolved_at: T(-30),
    });
    const anomalies = (
      await t.app.inject({ url: '/api/ai/anomalies?pipeline_id=grouped&kind=execution' })
    ).json();
    expect(anomalies.total).toBe(2);
    expect(anomalies.items.map((a: { execution_id: string }) => a.execution_id)).toEqual(['r2', 'r1']);
    expect(anomalies.items[0]).toMatchObject({ incident_id: incidents.items[0].id, detected_at: T(-45) });
    expect(anomalies.items[0].inputs).toMatchObject({ retry_count: 7, execution_time_s: 30 });
    expect(anomalies.items[0].reasons.join(' ')).toContain('retry burst');

    const filtered = await t.app.inject({
      url: `/api/ai/anomalies?pipeline_id=grouped&since=${T(-47)}&limit=1`,
    });
    expect(filtered.json()).toMatchObject({ total: 1 });
    expect((await t.app.inject({ url: '/api/ai/anomalies?min_score=0.99' })).json().total).toBe(0);
    expect((await t.app.inject({ url: '/api/incidents?kind=metric' })).json().total).toBe(0);
    expect((await t.app.inject({ url: '/api/ai/anomalies?since=soon' })).json().error.field).toBe('since');
  });

  it('stores feedback on an anomaly', async () => {
    const [a] = (await t.app.inject({ url: '/api/ai/anomalies?pipeline_id=grouped&limit=1' })).json().items;
    const res = await post(`/api/ai/anomalies/${a.id}/feedback`, {
      label: 'false_positive',
      note: 'planned backfill',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ anomaly_id: a.id, label: 'false_positive', note: 'planned backfill' });
    expect((await post(`/api/ai/anomalies/${a.id}/feedback`, { label: 'maybe' })).json().error.field).toBe(
      'label',
    );
    expect(
      (await post(`/api/ai/anomalies/${a.id}/feedback`, { label: 'true_positive', note: 5 })).json().error
        .field,
    ).toBe('note');
    expect((await post('/api/ai/anomalies/nope/feedback', { label: 'true_positive' })).statusCode).toBe(404);
  });
});

describe('training from the store', () => {
  it('trains on the finished runs in the store, leaving out runs confirmed as anomalies', async () => {
    const [latest, first] = (await t.app.inject({ url: '/api/ai/anomalies?pipeline_id=grouped' })).json()
      .items;
    expect(first.execution_id).toBe('r1');
    await post(`/api/ai/anomalies/${first.id}/feedback`, { label: 'true_positive' });
    expect(latest.execution_id).toBe('r2'); // labelled false_positive above: stays in
    const empty = await t.app.inject({
      method: 'POST',
      url: '/api/ai/anomaly/train',
      headers: { 'content-type': 'application/json' },
    });
    expect(empty.json()).toMatchObject({ source: 'store', trained_samples: 4 });
    const res = await post('/api/ai/anomaly/train', {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      source: 'store',
      trained_samples: 4,
      algorithm: 'isolation_forest+zscore',
      metrics: { excluded_confirmed_anomalies: 1 },
      training_window: { start: T(-45), end: T(-30) },
    });
  });
});

describe('the original case through HTTP', () => {
  it('trains on 10 records, flags the bad one with reasons, passes a normal one', async () => {
    const trained = await post(
      '/api/ai/anomaly/train',
      Array.from({ length: 10 }, (_, i) => normal(i)),
    );
    expect(trained.statusCode).toBe(200);
    const tb = trained.json();
    expect(tb).toMatchObject({
      trained_samples: 10,
      algorithm: 'isolation_forest+zscore',
      source: 'request',
    });
    expect(tb.model_version).toMatch(/^anomaly-\d{8}T\d{6}Z-[0-9a-z]{1,6}$/);
    expect(tb.features).toEqual([
      'execution_time_s',
      'data_volume_mb',
      'failure_count_1h',
      'cpu_percent',
      'memory_percent',
      'retry_count',
      'error_pattern_score',
    ]);

    const hit = (await post('/api/ai/anomaly/detect', bad)).json();
    expect(hit).toMatchObject({
      is_anomaly: true,
      algorithm: 'isolation_forest+zscore',
      model_version: tb.model_version,
    });
    expect(hit.score).toBeGreaterThanOrEqual(0.5);
    expect(hit.reasons).toContain(
      'execution_time_s is 200 s, far above the training baseline of 29.50 s (mean, spread 3.03); z = 56.31',
    );
    expect(hit.reasons).toContain(
      'failure spike in the last hour: failure_count_1h = 6 failures against the training baseline of 0 failures (mean, spread 1)',
    );
    expect(Object.keys(hit.contributions)).toHaveLength(7);
    const shares = Object.values(hit.contributions) as number[];
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(hit.contributions.data_volume_mb).toBe(Math.max(...shares));

    const ok = (await post('/api/ai/anomaly/detect', normal(4))).json();
    expect(ok).toMatchObject({ is_anomaly: false, reasons: [], model_version: tb.model_version });
    expect(ok.score).toBeLessThan(0.5);
  });
});

describe('anomaly scopes with API keys', () => {
  let k: TestApp;
  beforeAll(async () => {
    k = await startTestApp({ apiKeys: 'reader:read;actor:act;feeder:ingest;boss:admin' });
  });
  afterAll(async () => {
    await k?.close();
  });
  const call = (url: string, key: string, payload: unknown) =>
    k.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      payload: JSON.stringify(payload),
    });

  it('detect needs read, train admin, feedback act', async () => {
    expect((await call('/api/ai/anomaly/detect', 'reader', bad)).statusCode).toBe(200);
    expect((await call('/api/ai/anomaly/detect', 'feeder', bad)).statusCode).toBe(403);
    const records = Array.from({ length: 10 }, (_, i) => normal(i));
    expect((await call('/api/ai/anomaly/train', 'reader', records)).statusCode).toBe(403);
    expect((await call('/api/ai/anomaly/train', 'boss', records)).statusCode).toBe(200);
    expect((await call('/api/monitoring/ingest', 'feeder', run('s1', -5, 9))).statusCode).toBe(200);
    await k.anomaly.flush();
    const list = await k.app.inject({
      url: '/api/ai/anomalies',
      headers: { authorization: 'Bearer reader' },
    });
    const [a] = list.json().items;
    const denied = await call(`/api/ai/anomalies/${a.id}/feedback`, 'reader', { label: 'true_positive' });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('FORBIDDEN');
    expect(
      (await call(`/api/ai/anomalies/${a.id}/feedback`, 'actor', { label: 'true_positive' })).statusCode,
    ).toBe(200);
  });
});

describe('the model in use survives a restart', () => {
  it('loads the active version from the registry at start', async () => {
    const dataDir = await freshDataDir();
    const first = await startTestApp({ dataDir });
    const records = Array.from({ length: 10 }, (_, i) => normal(i));
    const trained = await first.app.inject({
      method: 'POST',
      url: '/api/ai/anomaly/train',
      payload: records,
    });
    const version = trained.json().model_version;
    await first.close();
    const second = await startTestApp({ dataDir });
    try {
      const res = await second.app.inject({ method: 'POST', url: '/api/ai/anomaly/detect', payload: bad });
      expect(res.json()).toMatchObject({
        model_version: version,
        algorithm: 'isolation_forest+zscore',
        is_anomaly: true,
      });
    } finally {
      await second.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
