import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryModelStore } from '../../test/helpers/memory-model-store.js';
import { FakeClock } from '../shared/index.js';
import { ModelRegistry, type ModelDraft } from './index.js';

const draft = (tag: string): ModelDraft => ({
  kind: 'prediction',
  artifact: JSON.stringify({ tag }),
  training_window: null,
  contamination: null,
  feature_names: ['failure_rate_24h'],
  metrics: {},
});
const pipelines = Array.from({ length: 2000 }, (_, i) => `p-${i}`);

describe('ModelRegistry rollout', () => {
  let store: MemoryModelStore;
  let clock: FakeClock;
  let registry: ModelRegistry;
  beforeEach(() => {
    store = new MemoryModelStore();
    clock = new FakeClock(Date.parse('2026-03-01T12:00:00Z'));
    registry = new ModelRegistry(store, clock, { routeRefreshMs: 5000 });
  });

  async function servedBy(kind: 'prediction' = 'prediction') {
    const counts = new Map<string, number>();
    for (const p of pipelines) {
      const name = (await registry.route(kind, p)).serving?.model_version ?? 'none';
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return counts;
  }

  it('registers a shadow that scores beside the full version and never serves', async () => {
    const full = await registry.registerFull(draft('a'));
    clock.advance(1000);
    const shadow = await registry.registerShadow(draft('b'));
    expect(shadow.status).toBe('shadow');
    expect(await registry.active('prediction')).toMatchObject({ model_version: full.model_version });
    expect(await servedBy()).toEqual(new Map([[full.model_version, pipelines.length]]));
    const r = await registry.route('prediction', 'p-1');
    expect(r.shadows.map((v) => v.model_version)).toEqual([shadow.model_version]);
  });

  it('promotes shadow → canary (its share) → full, and rolls back to the previous full', async () => {
    const a = await registry.registerFull(draft('a'));
    clock.advance(1000);
    const b = await registry.registerShadow(draft('b'));

    const canary = await registry.promote(b.model_version, { to: 'canary', share: 0.25 });
    expect(canary).toMatchObject({ status: 'canary', rollout_share: 0.25 });
    const counts = await servedBy();
    expect(Math.abs((counts.get(b.model_version) ?? 0) / pipelines.length - 0.25)).toBeLessThan(0.04);
    expect((counts.get(a.model_version) ?? 0) + (counts.get(b.model_version) ?? 0)).toBe(pipelines.length);

    const full = await registry.promote(b.model_version, { to: 'full' });
    expect(full).toMatchObject({ status: 'full', rollout_share: null, previous_full: a.model_version });
    expect((await registry.get(a.model_version)).status).toBe('retired');
    expect(await servedBy()).toEqual(new Map([[b.model_version, pipelines.length]]));

    const { restored, retired } = await registry.rollback('prediction');
    expect(restored).toMatchObject({ model_version: a.model_version, status: 'full' });
    expect(retired).toMatchObject({ model_version: b.model_version, status: 'retired' });
    expect(await servedBy()).toEqual(new Map([[a.model_version, pipelines.length]]));
    // a replaced nothing: nothing further to roll back to.
    await expect(registry.rollback('prediction')).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('remembers the replaced version when registering straight to full', async () => {
    const a = await registry.registerFull(draft('a'));
    clock.advance(1000);
    const b = await registry.registerFull(draft('b'));
    expect(b.previous_full).toBe(a.model_version);
    expect((await registry.rollback('prediction')).restored.model_version).toBe(a.model_version);
  });

  it('changes a canary share in place and sends a replaced canary back to shadow', async () => {
    await registry.registerFull(draft('a'));
    const b = await registry.registerShadow(draft('b'));
    const c = await registry.registerShadow(draft('c'));
    await registry.promote(b.model_version, { to: 'canary', share: 0.1 });
    expect(await registry.promote(b.model_version, { to: 'canary', share: 0.5 })).toMatchObject({
      status: 'canary',
      rollout_share: 0.5,
    });
    await registry.promote(c.model_version, { to: 'canary' });
    expect(await registry.get(b.model_version)).toMatchObject({ status: 'shadow', rollout_share: null });
    expect(await registry.get(c.model_version)).toMatchObject({ status: 'canary', rollout_share: 0.1 });
  });

  it('refuses illegal moves with CONFLICT, unknown versions with NOT_FOUND, bad input naming the field', async () => {
    const a = await registry.registerFull(draft('a'));
    clock.advance(1000);
    const b = await registry.registerFull(draft('b'));
    await expect(registry.promote(b.model_version, { to: 'full' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('already full'),
    });
    await expect(registry.promote(b.model_version, { to: 'canary', share: 0.1 })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(registry.promote(a.model_version, { to: 'canary', share: 0.1 })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('a retired version cannot become canary'),
    });
    await expect(registry.promote('nope', { to: 'full' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const s = await registry.registerShadow(draft('s'));
    for (const share of [-0.1, 1.5, Number.NaN]) {
      await expect(registry.promote(s.model_version, { to: 'canary', share })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        field: 'share',
      });
    }
    await expect(registry.promote(s.model_version, { to: 'retired' as 'full' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'to',
    });
    await expect(registry.rollback('duration')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('no full duration version'),
    });
    expect((await registry.get(s.model_version)).status).toBe('shadow');
  });

  it('routes from memory, re-reads after its own transitions and every refresh period', async () => {
    const a = await registry.registerFull(draft('a'));
    const b = await registry.registerShadow(draft('b'));
    await registry.route('prediction', 'p-1');
    await registry.route('prediction', 'p-2');
    expect(store.loads).toBe(1);

    await registry.promote(b.model_version, { to: 'full' });
    expect((await registry.route('prediction', 'p-1')).serving?.model_version).toBe(b.model_version);
    expect(store.loads).toBe(2);

    // Another process rolls back: seen once the refresh period has passed, not before.
    await store.update('prediction', [
      { model_version: b.model_version, from: 'full', to: 'retired', rollout_share: null },
      { model_version: a.model_version, from: 'retired', to: 'full', rollout_share: null },
    ]);
    clock.advance(4999);
    expect((await registry.route('prediction', 'p-1')).serving?.model_version).toBe(b.model_version);
    clock.advance(1);
    expect((await registry.route('prediction', 'p-1')).serving?.model_version).toBe(a.model_version);
    expect(store.loads).toBe(3);
  });

  it('shares one load among concurrent callers and keeps the last table while the store fails', async () => {
    const errors: Error[] = [];
    registry = new ModelRegistry(store, clock, { routeRefreshMs: 1000, onError: (e) => errors.push(e) });
    const a = await registry.registerFull(draft('a'));
    await Promise.all(pipelines.slice(0, 50).map((p) => registry.route('prediction', p)));
    expect(store.loads).toBe(1);

    const withStatus = store.withStatus.bind(store);
    store.withStatus = () => Promise.reject(new Error('store down'));
    clock.advance(1000);
    expect((await registry.route('prediction', 'p-1')).serving?.model_version).toBe(a.model_version);
    expect(errors.map((e) => e.message)).toEqual(['store down']);
    store.withStatus = withStatus;
    clock.advance(1000);
    await registry.route('prediction', 'p-1');
    expect(store.loads).toBe(2);
  });

  it('does not let a load begun before a transition put its older answer back', async () => {
    await registry.registerFull(draft('a'));
    const b = await registry.registerShadow(draft('b'));
    // The first load reads the old state, then stalls until the promotion is done.
    const withStatus = store.withStatus.bind(store);
    let release = () => {};
    store.withStatus = async (kind, statuses) => {
      const old = await withStatus(kind, statuses);
      store.withStatus = withStatus;
      await new Promise<void>((resolve) => (release = resolve));
      return old;
    };
    const before = registry.route('prediction', 'p-1');
    await registry.promote(b.model_version, { to: 'full' });
    release();
    expect((await before).serving?.model_version).not.toBe(b.model_version);
    expect((await registry.route('prediction', 'p-1')).serving?.model_version).toBe(b.model_version);
  });
});
