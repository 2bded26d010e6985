import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ apiKeys: 'reader:read;feeder:ingest;boss:admin', bodyLimitBytes: 2048 });
});
afterAll(async () => {
  await t?.close();
});

const ingest = (headers: Record<string, string>, payload = '{"pipeline_id":"p"}') =>
  t.app.inject({
    method: 'POST',
    url: '/api/monitoring/ingest',
    headers: { 'content-type': 'application/json', ...headers },
    payload,
  });

describe('API keys and scopes', () => {
  it('401 without a key or with an unknown one', async () => {
    expect((await ingest({})).statusCode).toBe(401);
    expect((await ingest({ authorization: 'Bearer nope' })).statusCode).toBe(401);
    expect((await ingest({ authorization: 'Bearer nope' })).json().error.code).toBe('UNAUTHORIZED');
  });

  it('403 with a key that lacks the scope, 200 with one that has it (admin has all)', async () => {
    const denied = await ingest({ authorization: 'Bearer reader' });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toMatchObject({ code: 'FORBIDDEN' });
    expect((await ingest({ authorization: 'Bearer feeder' })).statusCode).toBe(200);
    expect((await ingest({ authorization: 'Bearer boss' })).statusCode).toBe(200);
    const read = await t.app.inject({
      url: '/api/monitoring/p/snapshot',
      headers: { authorization: 'Bearer reader' },
    });
    expect(read.statusCode).toBe(200);
    const noRead = await t.app.inject({
      url: '/api/monitoring/p/snapshot',
      headers: { authorization: 'Bearer feeder' },
    });
    expect(noRead.statusCode).toBe(403);
  });

  it('leaves /healthz and /readyz open', async () => {
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(401);
  });
});

describe('body limit', () => {
  it('413 past the configured limit, with the error body', async () => {
    const payload = JSON.stringify({ pipeline_id: 'p', error_message: 'x'.repeat(4096) });
    const res = await ingest({ authorization: 'Bearer feeder' }, payload);
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
