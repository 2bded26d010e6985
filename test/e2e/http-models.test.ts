import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelDraft } from '../../src/registry/index.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const draft = (kind: ModelDraft['kind'], tag: string): ModelDraft => ({
  kind,
  artifact: JSON.stringify({ tag }),
  training_window: { start: Date.parse('2026-02-01T00:00:00Z'), end: Date.parse('2026-03-01T00:00:00Z') },
  contamination: null,
  feature_names: ['failure_rate_24h'],
  metrics: { roc_auc: 0.71 },
});

describe('model rollout over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ apiKeys: 'reader:read;boss:admin;actor:act' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = (method: 'GET' | 'POST', url: string, key: string | null, body?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: key === null ? {} : { authorization: `Bearer ${key}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
  const expectError = (res: { statusCode: number; json(): unknown }, status: number, field?: string) => {
    expect(res.statusCode).toBe(status);
    const { error } = res.json() as { error: { code: string; field?: string } };
    if (field !== undefined) expect(error).toMatchObject({ code: 'VALIDATION_FAILED', field });
    return error;
  };

  it('lists, compares, promotes and rolls back, each with its scope', async () => {
    const a = await t.registry.registerFull(draft('prediction', 'a'));
    t.clock.advance(60_000);
    const b = await t.registry.registerShadow(draft('prediction', 'b'));

    const list = await call('GET', '/api/models?kind=prediction', 'reader');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({
      items: [
        expect.objectContaining({ model_version: b.model_version, status: 'shadow', rollout_share: null }),
        expect.objectContaining({ model_version: a.model_version, status: 'full', previous_full: null }),
      ],
      total: 2,
    });
    expect(list.json().items[0]).not.toHaveProperty('artifact');
    expect(list.json().items[1]).toMatchObject({
      created_at: '2026-03-01T12:00:00.000Z',
      training_window: { start: '2026-02-01T00:00:00.000Z', end: '2026-03-01T00:00:00.000Z' },
      metrics: { roc_auc: 0.71 },
    });
    expect((await call('GET', '/api/models?limit=1', 'reader')).json()).toMatchObject({ total: 2 });
    expectError(await call('GET', '/api/models?kind=weather', 'reader'), 400, 'kind');
    expectError(await call('GET', '/api/models?since=yesterday', 'reader'), 400, 'since');

    const promote = (version: string, body: unknown, key: string | null = 'boss') =>
      call('POST', `/api/models/${version}/promote`, key, body);
    expectError(await promote(b.model_version, { to: 'canary', share: 0.3 }, 'reader'), 403);
    expectError(await promote(b.model_version, { to: 'canary', share: 0.3 }, 'actor'), 403);
    expectError(await promote(b.model_version, { to: 'canary', share: 0.3 }, null), 401);
    expectError(await promote(b.model_version, { to: 'canary', share: 1.5 }), 400, 'share');
    expectError(await promote(b.model_version, { to: 'canary', share: 'half' }), 400, 'share');
    expectError(await promote(b.model_version, { to: 'sideways' }), 400, 'to');
    expectError(await promote(b.model_version, { share: 0.2 }), 400, 'to');
    expect(await promote('prediction-nope', { to: 'full' })).toMatchObject({ statusCode: 404 });
    expect((await t.registry.get(b.model_version)).status).toBe('shadow');

    const canary = await promote(b.model_version, { to: 'canary', share: 0.3 });
    expect(canary.statusCode).toBe(200);
    expect(canary.json()).toMatchObject({
      model_version: b.model_version,
      status: 'canary',
      rollout_share: 0.3,
    });
    const served = new Set<string | undefined>();
    for (let i = 0; i < 200; i++)
      served.add((await t.registry.route('prediction', `p${i}`)).serving?.model_version);
    expect(served).toEqual(new Set([a.model_version, b.model_version]));
    const conflict = expectError(await promote(a.model_version, { to: 'canary', share: 0.1 }), 409);
    expect(conflict).toMatchObject({ code: 'CONFLICT' });

    const compare = await call('GET', '/api/models/prediction/compare', 'reader');
    expect(compare.statusCode).toBe(200);
    expect(compare.json()).toEqual({
      kind: 'prediction',
      champion: { model_version: a.model_version, metrics: { roc_auc: null, brier: null, outcomes: 0 } },
      challenger: { model_version: b.model_version, metrics: { roc_auc: null, brier: null, outcomes: 0 } },
      since: '2026-03-01T12:01:00.000Z',
      outcomes: 0,
    });
    expectError(await call('GET', '/api/models/weather/compare', 'reader'), 400, 'kind');

    const full = await promote(b.model_version, { to: 'full' });
    expect(full.json()).toMatchObject({
      status: 'full',
      rollout_share: null,
      previous_full: a.model_version,
    });

    expectError(await call('POST', '/api/models/prediction/rollback', 'reader'), 403);
    const back = await call('POST', '/api/models/prediction/rollback', 'boss');
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({
      kind: 'prediction',
      restored: { model_version: a.model_version, status: 'full' },
      retired: { model_version: b.model_version, status: 'retired' },
    });
    expect((await t.registry.route('prediction', 'p1')).serving?.model_version).toBe(a.model_version);
    const none = expectError(await call('POST', '/api/models/prediction/rollback', 'boss'), 409);
    expect(none).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('did not replace') });
    expectError(await call('POST', '/api/models/duration/rollback', 'boss'), 409);
    expectError(await call('POST', '/api/models/weather/rollback', 'boss'), 400, 'kind');
  });

  it('documents the model routes in the OpenAPI document', async () => {
    const doc = (await call('GET', '/openapi.json', null)).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/models',
        '/api/models/{kind}/compare',
        '/api/models/{model_version}/promote',
        '/api/models/{kind}/rollback',
      ]),
    );
    expect(doc.paths['/api/models/{model_version}/promote'].post.requestBody).toBeDefined();
  });

  it('shows the anomaly model trained through the anomaly service: one registry for both', async () => {
    const records = Array.from({ length: 10 }, (_, i) => ({
      duration_seconds: 25 + i,
      data_volume_mb: 200 + i,
      cpu_percent: 45 + i,
      memory_percent: 40 + i,
    }));
    const trained = await call('POST', '/api/ai/anomaly/train', 'boss', records);
    expect(trained.statusCode).toBe(200);
    const list = await call('GET', '/api/models?kind=anomaly', 'reader');
    expect(list.json()).toMatchObject({
      items: [{ model_version: trained.json().model_version, status: 'full' }],
      total: 1,
    });
  });
});
