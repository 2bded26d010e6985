// Batches above 64 KiB are parsed a piece at a time (src/http/json-array.ts): the answers must be
// those of the whole-text parse, for good and bad bodies alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const post = (payload: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/monitoring/ingest',
    headers: { 'content-type': 'application/json' },
    payload,
  });

const record = (i: number, note = 'ok') => ({
  pipeline_id: `large-${i % 7}`,
  status: i % 10 === 0 ? 'failed' : 'completed',
  duration_seconds: 30 + (i % 50),
  cpu_percent: 40 + (i % 30),
  error_message: i % 10 === 0 ? `timeout after ${i % 90}s, then "}," in the text` : null,
  stage_errors: i % 10 === 0 ? [note] : [],
});
const items = (n: number) => Array.from({ length: n }, (_, i) => record(i));

describe('large JSON batches (parsed in pieces)', () => {
  it('takes every good item and names the bad ones by index, as for a small batch', async () => {
    const batch: unknown[] = items(2000);
    batch[1500] = { pipeline_id: 'large-bad', cpu_percent: 101 };
    batch[1999] = 'not an object';
    const payload = JSON.stringify(batch);
    expect(payload.length).toBeGreaterThan(128 * 1024);
    const res = await post(payload);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.accepted).toBe(1998);
    expect(body.rejected.map((r: { index: number; field: string }) => [r.index, r.field])).toEqual([
      [1500, 'cpu_percent'],
      [1999, expect.any(String)],
    ]);
    const snap = (await t.app.inject({ url: '/api/monitoring/large-3/snapshot' })).json();
    // i = 3, 10, …, 1998: 286 items of large-3, none of them among the two bad ones.
    expect(snap.sampled_events).toBe(286);
  });

  it('takes a batch whose texts hold "}," (where a piece would be cut inside a string)', async () => {
    const res = await post(JSON.stringify(Array.from({ length: 2000 }, (_, i) => record(i, '}, {"x": "},'))));
    expect(res.statusCode).toBe(200);
    expect(res.json().accepted).toBe(2000);
  });

  it('answers malformed and poisoned large bodies exactly as small ones', async () => {
    const text = JSON.stringify(items(2000));
    const small = JSON.stringify(items(3));
    const pairs: [string, string][] = [
      [`${text.slice(0, -1)},]`, `${small.slice(0, -1)},]`],
      [text.slice(0, -1), small.slice(0, -1)],
      [`${text} x`, `${small} x`],
      [
        text.replace('{"pipeline_id":"large-5"', '{"__proto__":{"x":1},"pipeline_id":"large-5"'),
        small.replace('{"pipeline_id":"large-1"', '{"__proto__":{"x":1},"pipeline_id":"large-1"'),
      ],
    ];
    for (const [large, same] of pairs) {
      const a = await post(large);
      const b = await post(same);
      expect(a.statusCode).toBe(400);
      expect(a.statusCode).toBe(b.statusCode);
      expect(a.json().error.code).toBe(b.json().error.code);
    }
  });
});
