import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const post = (payload: unknown, contentType = 'application/json') =>
  t.app.inject({
    method: 'POST',
    url: '/api/monitoring/ingest',
    headers: { 'content-type': contentType },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

describe('ingest and snapshot (the original backend case through HTTP)', () => {
  it('answers one record with the original shape and fills the snapshot', async () => {
    for (let i = 1; i <= 6; i++) {
      const failed = i === 1 || i === 5;
      const res = await post({
        pipeline_id: 'orig',
        status: failed ? 'failed' : 'completed',
        duration_seconds: 120,
        retry_count: i === 5 ? 2 : 0,
        throughput_per_minute: i === 6 ? 40 : 100,
        latency_ms: i === 6 ? 900 : 200,
        cpu_percent: 50,
        memory_percent: 60,
        error_message: failed ? 'timeout' : null,
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ success: true, pipeline_id: 'orig', sampled_events: i });
      expect(typeof body.generated_at).toBe('string');
      t.clock.advance(1000);
    }
    const snap = (await t.app.inject({ url: '/api/monitoring/orig/snapshot' })).json();
    expect(snap.sampled_events).toBe(6);
    expect(snap.metrics.failure_rate).toBeGreaterThan(0);
    expect(snap.metrics.retry_frequency).toBeGreaterThan(0);
    expect(snap.signals.throughput_drop_detected).toBe(true);
    expect(snap.signals.latency_spike_detected).toBe(true);
    expect(snap.signals.dominant_error_patterns[0]).toMatchObject({ pattern: 'timeout', count: 2 });
    expect(snap.health.reasons.length).toBeGreaterThan(0);
  });

  it('counts a later state of the same execution once, and a repeat not at all', async () => {
    const base = { type: 'execution', pipeline_id: 'ident', execution_id: 'run-1' };
    expect((await post({ ...base, status: 'running' })).json().sampled_events).toBe(1);
    expect((await post({ ...base, status: 'completed', duration_seconds: 30 })).json().sampled_events).toBe(
      1,
    );
    expect((await post({ ...base, status: 'completed', duration_seconds: 30 })).json().sampled_events).toBe(
      1,
    );
    const snap = (await t.app.inject({ url: '/api/monitoring/ident/snapshot' })).json();
    expect(snap.metrics.avg_duration_seconds).toBe(30);
  });

  it('takes a batch, keeping good items and naming bad ones', async () => {
    const res = await post([
      { pipeline_id: 'batch' },
      { pipeline_id: 'batch', cpu_percent: 140 },
      { pipeline_id: 'batch' },
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      accepted: 2,
      rejected: [{ index: 1, field: 'cpu_percent', reason: 'cpu_percent must be ≤ 100' }],
    });
  });

  it('answers 400 to a batch with nothing acceptable', async () => {
    const res = await post([{ cpu_percent: 5 }, 7]);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.accepted).toBe(0);
    expect(body.rejected).toHaveLength(2);
    expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'pipeline_id' });
  });

  it('takes NDJSON with typed events', async () => {
    const lines = [
      { type: 'metric', pipeline_id: 'nd', name: 'cpu_percent', value: 93 },
      { type: 'log', pipeline_id: 'nd', level: 'ERROR', message: 'socket timeout after 30s' },
      { type: 'stage', pipeline_id: 'nd', execution_id: 'e1', stage_id: 'load', status: 'failed' },
    ];
    const res = await post(
      lines.map((l) => JSON.stringify(l)).join('\n') + '\n{broken',
      'application/x-ndjson',
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 3, rejected: [{ index: 3, field: 'body' }] });
    const snap = (await t.app.inject({ url: '/api/monitoring/nd/snapshot' })).json();
    expect(snap.metrics.avg_cpu_percent).toBe(93);
  });

  it('404s a never-seen pipeline with a clear error, zero-snapshots a known one with an empty window', async () => {
    const missing = await t.app.inject({ url: '/api/monitoring/nobody/snapshot' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({ code: 'NOT_FOUND' });
    expect(missing.json().error.message).toMatch(/nobody/);
    await post({ pipeline_id: 'quiet', duration_seconds: 5 });
    t.clock.advance(2 * 3_600_000);
    const snap = (await t.app.inject({ url: '/api/monitoring/quiet/snapshot' })).json();
    expect(snap.sampled_events).toBe(0);
    expect(snap.metrics.failure_rate).toBe(0);
  });

  it('lists pipelines worst health first, with limit and offset', async () => {
    for (let i = 0; i < 4; i++) await post({ pipeline_id: 'bad', status: 'failed', error_message: 'boom' });
    for (let i = 0; i < 4; i++) await post({ pipeline_id: 'good', status: 'completed' });
    const res = await t.app.inject({ url: '/api/monitoring/pipelines?limit=2&offset=0' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBeGreaterThanOrEqual(2);
    expect(body.items).toHaveLength(2);
    expect(body.items[0].pipeline_id).toBe('bad');
    expect(body.items[0]).toHaveProperty('health_score');
    expect(body.items[0]).toHaveProperty('reasons');
    const bad = await t.app.inject({ url: '/api/monitoring/pipelines?limit=5000' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('limit');
  });
});

describe('malformed bodies: each a 4xx with a message, the server still serving', () => {
  const big = 'x'.repeat(70 * 1024);
  const cases: [string, string, string, number][] = [
    ['empty body', '', 'application/json', 400],
    ['not JSON', '{pipeline_id:', 'application/json', 400],
    ['trailing garbage', '{"pipeline_id":"a"} x', 'application/json', 400],
    ['JSON string', '"hello"', 'application/json', 400],
    ['JSON number', '42', 'application/json', 400],
    ['JSON null', 'null', 'application/json', 400],
    ['JSON true', 'true', 'application/json', 400],
    ['empty array', '[]', 'application/json', 400],
    ['missing pipeline_id', '{"status":"failed"}', 'application/json', 400],
    ['numeric-looking id object', '{"pipeline_id":{"a":1}}', 'application/json', 400],
    ['empty pipeline_id', '{"pipeline_id":""}', 'application/json', 400],
    ['NUL in pipeline_id', '{"pipeline_id":"a\\u0000b"}', 'application/json', 400],
    ['negative duration', '{"pipeline_id":"a","duration_seconds":-3}', 'application/json', 400],
    ['duration as string', '{"pipeline_id":"a","duration_seconds":"3"}', 'application/json', 400],
    ['huge number', '{"pipeline_id":"a","latency_ms":1e400}', 'application/json', 400],
    ['cpu 101', '{"pipeline_id":"a","cpu_percent":101}', 'application/json', 400],
    ['memory -1', '{"pipeline_id":"a","memory_percent":-1}', 'application/json', 400],
    ['unknown status', '{"pipeline_id":"a","status":"weird"}', 'application/json', 400],
    ['fractional retry_count', '{"pipeline_id":"a","retry_count":0.5}', 'application/json', 400],
    ['stage_failures as bool', '{"pipeline_id":"a","stage_failures":true}', 'application/json', 400],
    ['timestamp garbage', '{"pipeline_id":"a","timestamp":"soon"}', 'application/json', 400],
    [
      'timestamp far future',
      '{"pipeline_id":"a","timestamp":"2099-01-01T00:00:00Z"}',
      'application/json',
      400,
    ],
    ['stage_errors string', '{"pipeline_id":"a","stage_errors":"x"}', 'application/json', 400],
    ['stage_errors with number', '{"pipeline_id":"a","stage_errors":[1]}', 'application/json', 400],
    ['unknown type', '{"pipeline_id":"a","type":"span"}', 'application/json', 400],
    ['metric without name', '{"pipeline_id":"a","type":"metric","value":1}', 'application/json', 400],
    [
      'metric value string',
      '{"pipeline_id":"a","type":"metric","name":"x","value":"1"}',
      'application/json',
      400,
    ],
    ['log without message', '{"pipeline_id":"a","type":"log"}', 'application/json', 400],
    [
      'stage without execution_id',
      '{"pipeline_id":"a","type":"stage","stage_id":"s"}',
      'application/json',
      400,
    ],
    [
      'error_message too long',
      JSON.stringify({ pipeline_id: 'a', error_message: big }),
      'application/json',
      400,
    ],
    ['NDJSON all broken', '{x\n{y\n', 'application/x-ndjson', 400],
    ['NDJSON empty', '\n\n', 'application/x-ndjson', 400],
    ['XML', '<event/>', 'application/xml', 415],
    ['text/plain', 'pipeline_id=a', 'text/plain', 415],
    ['proto pollution', '{"pipeline_id":"a","__proto__":{"x":1}}', 'application/json', 400],
  ];

  it.each(cases)('%s', async (_name, payload, contentType, status) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/monitoring/ingest',
      headers: { 'content-type': contentType },
      payload,
    });
    expect(res.statusCode).toBe(status);
    const body = res.json();
    expect(typeof body.error.message).toBe('string');
    expect(body.error.message.length).toBeGreaterThan(3);
    expect(typeof body.error.code).toBe('string');
  });

  it('names the field at fault', async () => {
    const res = await post({ pipeline_id: 'a', cpu_percent: 101 });
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'cpu_percent' });
  });

  it('is still serving afterwards', async () => {
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await post({ pipeline_id: 'after' })).statusCode).toBe(200);
  });
});

describe('operations', () => {
  it('is ready, reports status, and exposes Prometheus metrics', async () => {
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    const status = (await t.app.inject({ url: '/api/status' })).json();
    expect(status.store).toMatchObject({ ready: true });
    const metrics = await t.app.inject({ url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/flexiroaster_ingest_events_total\{result="accepted"\} \d+/);
    expect(metrics.body).toMatch(/flexiroaster_http_request_duration_seconds_bucket/);
    expect(metrics.body).toMatch(/flexiroaster_store_pending_events/);
    expect(metrics.body).toMatch(/eventloop_lag/);
  });

  it('serves the OpenAPI document with the original endpoints', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/monitoring/ingest',
        '/api/monitoring/{pipeline_id}/snapshot',
        '/api/monitoring/pipelines',
      ]),
    );
    expect((await t.app.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('answers unknown routes with the error body', async () => {
    const res = await t.app.inject({ url: '/api/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });
});
