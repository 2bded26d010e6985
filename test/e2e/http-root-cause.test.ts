import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const post = (url: string, payload: unknown) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  });
const ingest = (payload: unknown) => post('/api/monitoring/ingest', payload);
const iso = (ms: number) => new Date(ms).toISOString();

// The original backend's case (SEED_API.md, issue 5).
const ORIGINAL = {
  stages: [
    { name: 'extract', status: 'failed' },
    { name: 'transform', status: 'pending' },
  ],
  logs: ['connection refused from upstream service', 'socket timeout'],
  metrics: { cpu_percent: 60, memory_percent: 50, latency_spike: true },
  history: { same_stage_failures_last_7d: 4, recent_deployment: false },
};

describe('POST /api/ai/root-cause/analyze', () => {
  it('answers the original case: extract, connection_issue, confidence ≥ 0.6, signature and quoted templates', async () => {
    const res = await post('/api/ai/root-cause/analyze', ORIGINAL);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ failing_stage: 'extract', primary_cause: 'connection_issue' });
    expect(body.confidence).toBeGreaterThanOrEqual(0.6);
    expect(['connection', 'timeout']).toContain(body.signature);
    expect(body.evidence.join('\n')).toContain('"connection refused from upstream service" ×1');
    expect(body.contributing_factors.join('\n')).toContain('4 times in the last 7 days');
  });

  it.each([
    [[1, 2], 'body'],
    [{ stages: 'extract' }, 'stages'],
    [{ stages: [{ status: 'failed' }] }, 'stages.0.name'],
    [{ logs: ['ok', 7] }, 'logs.1'],
    [{ metrics: { cpu_percent: 'high' } }, 'metrics.cpu_percent'],
    [{ metrics: { memory_percent: 140 } }, 'metrics.memory_percent'],
    [{ history: { same_stage_failures_last_7d: 1.5 } }, 'history.same_stage_failures_last_7d'],
    [{ pipeline_id: 42 }, 'pipeline_id'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const res = await post('/api/ai/root-cause/analyze', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });

  it('fills metrics from the snapshot and the stage history from the store when a pipeline is named', async () => {
    const now = t.clock.now();
    for (let i = 0; i < 3; i++) {
      await ingest({
        type: 'stage',
        pipeline_id: 'rca-ctx',
        execution_id: `old-${i}`,
        stage_id: `load-${i}`,
        stage_name: 'load',
        status: 'failed',
        timestamp: iso(now - (i + 1) * 86_400_000),
      });
    }
    await ingest({ pipeline_id: 'rca-ctx', status: 'completed', cpu_percent: 95, memory_percent: 40 });
    await waitForDatabase();
    const res = await post('/api/ai/root-cause/analyze', {
      pipeline_id: 'rca-ctx',
      stages: [{ name: 'load', status: 'failed' }],
      logs: ['worker exited'],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.pipeline_id).toBe('rca-ctx');
    expect(body.primary_cause).toBe('resource_bottleneck');
    expect(body.evidence).toContain('cpu_percent 95 ≥ 90');
    expect(body.contributing_factors.join('\n')).toContain('stage "load" failed 3 times in the last 7 days');
  });
});

describe('root cause of every failed execution', () => {
  it('analyses a failed run online from its stages and lines, stores it and serves it by execution id', async () => {
    const base = { pipeline_id: 'rca-online', execution_id: 'run-9' };
    await ingest({ ...base, type: 'stage', stage_id: 's1', stage_name: 'extract', status: 'completed' });
    await ingest({
      ...base,
      type: 'stage',
      stage_id: 's2',
      stage_name: 'load',
      status: 'failed',
      error_message: 'psycopg2.errors.UndefinedColumn: column "amount_usd" does not exist',
    });
    await ingest({
      ...base,
      type: 'log',
      level: 'ERROR',
      message: 'schema mismatch: expected 12 columns, got 11',
    });
    await ingest({ ...base, type: 'execution', status: 'failed', cpu_percent: 30, memory_percent: 40 });
    expect(await t.rootCause.tick()).toBe(0); // still settling: late lines may come
    t.clock.advance(10_000);
    expect(await t.rootCause.tick()).toBe(1);
    const res = await t.app.inject({ url: '/api/ai/root-cause/run-9' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      execution_id: 'run-9',
      pipeline_id: 'rca-online',
      failing_stage: 'load',
      primary_cause: 'data_inconsistency',
    });
    expect(body.signature).toBe('schema_mismatch');
    expect(typeof body.analyzed_at).toBe('string');
  });

  it('analyses a run asked for before it settled, and answers 404 for an unknown execution', async () => {
    const base = { pipeline_id: 'rca-online', execution_id: 'run-10' };
    await ingest({
      ...base,
      type: 'log',
      level: 'ERROR',
      message: 'java.lang.OutOfMemoryError: Java heap space',
    });
    await ingest({ ...base, type: 'execution', status: 'failed' });
    const res = await t.app.inject({ url: '/api/ai/root-cause/run-10' });
    expect(res.statusCode).toBe(200);
    expect(res.json().primary_cause).toBe('resource_bottleneck');
    const missing = await t.app.inject({ url: '/api/ai/root-cause/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });
});

/** Until the journal has been copied into the events table (the history query reads the table). */
async function waitForDatabase(): Promise<void> {
  for (let i = 0; i < 200 && t.store.events.health().pendingEvents > 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
}
