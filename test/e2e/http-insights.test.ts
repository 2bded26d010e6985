import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { freshDataDir } from '../helpers/pglite.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ apiKeys: 'reader:read;writer:ingest;actor:act' });
});
afterAll(async () => {
  await t?.close();
});

const auth = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
const post = (url: string, payload: unknown, key = 'reader') =>
  t.app.inject({ method: 'POST', url, headers: auth(key), payload: JSON.stringify(payload) });
const get = (url: string) => t.app.inject({ url, headers: auth('reader') });
const ingest = (payload: unknown) => post('/api/monitoring/ingest', payload, 'writer');

// The original backend's case (issue 5).
const ORIGINAL = {
  avg_duration_seconds: 300,
  retry_frequency: 1.4,
  avg_cpu_percent: 87,
  avg_memory_percent: 82,
  stage_count: 6,
  parallelizable: true,
};

describe('POST /api/ai/recommendations', () => {
  it('answers the original case with at least 3 recommendations, each scored, highest priority first', async () => {
    const res = await post('/api/ai/recommendations', ORIGINAL);
    expect(res.statusCode).toBe(200);
    const recs = res.json().recommendations as {
      priority_score: number;
      confidence: number;
      impact_score: number;
    }[];
    expect(recs.length).toBeGreaterThanOrEqual(3);
    for (const r of recs) {
      expect(r.priority_score).toBeCloseTo(r.confidence * r.impact_score, 2);
    }
    expect(recs.map((r) => r.priority_score)).toEqual(
      [...recs.map((r) => r.priority_score)].sort((a, b) => b - a),
    );
  });

  it('needs the read scope', async () => {
    expect((await post('/api/ai/recommendations', ORIGINAL, 'writer')).statusCode).toBe(403);
  });

  it.each([
    [[ORIGINAL], 'body'],
    [{ avg_cpu_percent: 140 }, 'avg_cpu_percent'],
    [{ retry_frequency: 'often' }, 'retry_frequency'],
    [{ stage_count: 2.5 }, 'stage_count'],
    [{ parallelizable: 'yes' }, 'parallelizable'],
    [{ pipeline_id: ['p'] }, 'pipeline_id'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const res = await post('/api/ai/recommendations', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });

  it("grounds a named pipeline's advice in its snapshot KPIs and keeps it as optimization insights", async () => {
    for (let i = 0; i < 4; i++) {
      await ingest({
        pipeline_id: 'busy',
        status: 'completed',
        duration_seconds: 2400,
        cpu_percent: 92,
        memory_percent: 50,
        retry_count: 1,
      });
    }
    const res = await post('/api/ai/recommendations', { pipeline_id: 'busy' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.kpis).toMatchObject({ avg_duration_seconds: 2400, avg_cpu_percent: 92, retry_frequency: 1 });
    const kinds = body.recommendations.map((r: { kind: string }) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['scale_cpu', 'shorten_runs', 'reduce_retries']));

    const listed = (await get('/api/ai/insights/busy')).json();
    expect(listed.total_count).toBe(kinds.length);
    expect(typeof listed.generated_at).toBe('string');
    for (const i of listed.insights) {
      expect(i).toMatchObject({
        type: 'optimization',
        pipeline_id: 'busy',
        timestamp: new Date(t.clock.now()).toISOString(),
      });
      expect(Object.keys(i)).toEqual(
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
    }
    // Asked again: the same insights are replaced, not added.
    await post('/api/ai/recommendations', { pipeline_id: 'busy' });
    expect((await get('/api/ai/insights/busy')).json().total_count).toBe(kinds.length);
  });
});

describe('GET /api/ai/insights', () => {
  it('lists newest first, filters by pipeline, and leaves dismissed insights out', async () => {
    t.clock.advance(60_000);
    await post('/api/ai/recommendations', { ...ORIGINAL, pipeline_id: 'later' });
    const all = (await get('/api/ai/insights')).json();
    expect(all.insights[0].pipeline_id).toBe('later');
    const times = all.insights.map((i: { timestamp: string }) => i.timestamp);
    expect(times).toEqual([...times].sort().reverse());
    expect(all.total_count).toBe(all.insights.length);
    const now = new Date(t.clock.now()).toISOString();
    expect((await get(`/api/ai/insights?since=${now}`)).json().total_count).toBe(
      all.insights.filter((i: { timestamp: string }) => i.timestamp >= now).length,
    );
    expect((await get(`/api/ai/insights/busy?until=${now}`)).json().total_count).toBeGreaterThan(0);

    const first = all.insights[0];
    expect((await post(`/api/ai/insights/${first.id}/dismiss`, {}, 'reader')).statusCode).toBe(403);
    expect((await post(`/api/ai/insights/${first.id}/dismiss`, {}, 'actor')).statusCode).toBe(200);
    expect((await post('/api/ai/insights/nope/dismiss', {}, 'actor')).statusCode).toBe(404);
    const after = (await get('/api/ai/insights')).json();
    expect(after.total_count).toBe(all.total_count - 1);
    expect(after.insights.map((i: { id: string }) => i.id)).not.toContain(first.id);
  });
});

describe('log templates and error signatures', () => {
  it('mines log lines and error messages into templates listed per pipeline with counts and signatures', async () => {
    for (const port of [5432, 5433, 5434]) {
      await ingest({
        type: 'log',
        pipeline_id: 'tpl',
        level: 'ERROR',
        message: `connection refused to db:${port}`,
      });
    }
    await ingest({ type: 'log', pipeline_id: 'tpl', level: 'INFO', message: 'loaded 120 rows into staging' });
    await ingest({ type: 'log', pipeline_id: 'other', level: 'INFO', message: 'loaded 7 rows into staging' });
    const res = await get('/api/logs/templates?pipeline_id=tpl');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(2);
    expect(body.items[0]).toMatchObject({
      count: 3,
      signature: 'connection',
      template: 'connection refused to db:<*>',
    });
    expect(body.items[1]).toMatchObject({
      count: 1,
      signature: 'unknown',
      template: 'loaded <*> rows into staging',
    });
    expect(body.items[0].first_seen).toBe(new Date(t.clock.now()).toISOString());
    const all = (await get('/api/logs/templates?limit=1')).json();
    expect(all.items).toHaveLength(1);
    expect(all.total).toBeGreaterThanOrEqual(2);
    const loaded = (await get('/api/logs/templates'))
      .json()
      .items.find((i: { template: string }) => i.template.startsWith('loaded'));
    expect(loaded.count).toBe(2);
    expect((await get('/api/logs/templates?limit=0')).statusCode).toBe(400);
    const later = new Date(t.clock.now() + 1000).toISOString();
    expect((await get(`/api/logs/templates?pipeline_id=tpl&since=${later}`)).json().total).toBe(0);
    expect((await get(`/api/logs/templates?pipeline_id=tpl&until=${later}`)).json().total).toBe(2);
    const metrics = (await get('/metrics')).body;
    expect(metrics).toMatch(/^flexiroaster_log_templates \d+/m);
    expect(metrics).toMatch(/^flexiroaster_log_lines_mined \d+/m);
    const bad = await get('/api/logs/templates?since=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('since');
  });

  it("makes the snapshot's dominant error patterns signatures with their template, and counts new templates", async () => {
    for (const m of ['timeout', 'timeout', 'disk full on /var/lib/x']) {
      await ingest({ pipeline_id: 'sig', status: 'failed', error_message: m });
    }
    const snap = (await get('/api/monitoring/sig/snapshot')).json();
    const [top, second] = snap.signals.dominant_error_patterns;
    expect(top).toMatchObject({ pattern: 'timeout', count: 2, signature: 'timeout' });
    expect(top.template_id).toMatch(/^t/);
    expect(second).toMatchObject({ count: 1, signature: 'disk_full' });
    expect(snap.signals.new_log_templates).toEqual({ count: 2, per_hour: 2 });
  });
});

describe('templates across a restart', () => {
  it('reloads the templates with the same ids and counts, and mines on from there', async () => {
    const dataDir = await freshDataDir();
    try {
      const first = await startTestApp({ dataDir });
      let n = 0;
      // Each line its own event (a repeated event would not be mined again).
      const send = (app: TestApp, message: string) =>
        app.app.inject({
          method: 'POST',
          url: '/api/monitoring/ingest',
          payload: { type: 'log', event_id: `line-${++n}`, pipeline_id: 'keep', level: 'ERROR', message },
        });
      // Four users in one place merge four templates into one (the others become aliases).
      for (const user of ['alice', 'bob', 'carol', 'dave', 'erin'])
        await send(first, `access denied for user ${user}`);
      await send(first, 'disk full on /data');
      const before = (await first.app.inject({ url: '/api/logs/templates?pipeline_id=keep' })).json();
      expect(before.items.map((i: { template: string; count: number }) => [i.template, i.count])).toEqual([
        ['access denied for user <*>', 5],
        ['disk full on <*>', 1],
      ]);
      await first.close();

      const second = await startTestApp({ dataDir, clock: first.clock });
      const after = (await second.app.inject({ url: '/api/logs/templates?pipeline_id=keep' })).json();
      expect(after).toEqual(before);
      await send(second, 'access denied for user frank');
      const grown = (await second.app.inject({ url: '/api/logs/templates?pipeline_id=keep' })).json();
      expect(grown.items).toEqual([{ ...before.items[0], count: 6 }, before.items[1]]);
      expect(second.mining.newTemplateSignal('keep').count).toBe(0);
      expect(second.mining.stats()).toMatchObject({ templates: 2, new_templates: 0, merges: 0 });
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
