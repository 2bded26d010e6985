import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ apiKeys: 'ing:ingest;rd:read' });
});
afterAll(async () => {
  await t?.close();
});

const nanos = (ms: number) => String(BigInt(ms) * 1_000_000n);
const attr = (key: string, v: string) => ({ key, value: { stringValue: v } });
const post = (body: unknown, key = 'ing', contentType = 'application/json') =>
  t.app.inject({
    method: 'POST',
    url: '/v1/metrics',
    headers: { 'content-type': contentType, authorization: `Bearer ${key}` },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('POST /v1/metrics (OTLP/HTTP JSON)', () => {
  const request = () => ({
    resourceMetrics: [
      {
        resource: { attributes: [attr('pipeline_id', 'otlp-pipe'), attr('execution_id', 'x-1')] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'system.cpu.utilization',
                unit: '1',
                gauge: { dataPoints: [{ timeUnixNano: nanos(t.clock.now() - 1000), asDouble: 0.5 }] },
              },
              {
                name: 'system.memory.utilization',
                unit: '1',
                gauge: { dataPoints: [{ timeUnixNano: nanos(t.clock.now() - 1000), asDouble: 0.25 }] },
              },
            ],
          },
        ],
      },
    ],
  });

  it('takes metrics into the snapshot (cpu and memory as percentages), needs the ingest scope', async () => {
    expect((await post(request(), 'rd')).statusCode).toBe(403);
    const res = await post(request());
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({});
    const snap = await t.app.inject({
      method: 'GET',
      url: '/api/monitoring/otlp-pipe/snapshot',
      headers: { authorization: 'Bearer rd' },
    });
    expect(snap.statusCode).toBe(200);
    expect(snap.json()).toMatchObject({ metrics: { avg_cpu_percent: 50, avg_memory_percent: 25 } });
  });

  it('a retried export counts once', async () => {
    t.clock.advance(5000); // new samples, not the first test's again
    const before = t.engine.stats().windowedEvents;
    const body = request();
    expect((await post(body)).statusCode).toBe(200);
    const once = t.engine.stats().windowedEvents;
    expect((await post(body)).statusCode).toBe(200);
    expect(t.engine.stats().windowedEvents).toBe(once);
    expect(once).toBe(before + 2);
  });

  it('answers partial success for points without a pipeline id', async () => {
    const res = await post({
      resourceMetrics: [
        { scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [{ asDouble: 1 }] } }] }] },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().partialSuccess.rejectedDataPoints).toBe(1);
  });

  it.each([
    ['{not json', 'body'],
    [JSON.stringify({ resourceMetrics: 'x' }), 'body.resourceMetrics'],
    [
      JSON.stringify({
        resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', sum: { dataPoints: [{}] } }] }] }],
      }),
      'resourceMetrics.0.scopeMetrics.0.metrics.0.sum.dataPoints.0.asDouble',
    ],
  ])('answers 400 naming the field for a bad payload (%#)', async (body, field) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe(field);
  });

  it('refuses protobuf with 415', async () => {
    expect((await post('x', 'ing', 'application/x-protobuf')).statusCode).toBe(415);
  });
});
