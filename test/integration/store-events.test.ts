import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate, openStore, type Store } from '../../src/adapters/index.js';
import type { TelemetryEvent } from '../../src/domain/index.js';
import { ValidationError } from '../../src/shared/index.js';
import { collect, execution, metric, T0 } from '../helpers/events.js';
import { storeBackends, type BackendEnv } from '../helpers/store-backends.js';

const MIN = 60_000;

for (const backend of await storeBackends('store_events')) {
  describe.skipIf(backend.skip !== null)(`store on ${backend.name}`, () => {
    let env: BackendEnv;
    let store: Store;

    beforeAll(async () => {
      env = await backend.setup();
      // A long flush interval: events stay journal-only unless something forces a flush.
      store = await openStore({ ...(await env.storeOptions()), flushIntervalMs: 60_000 });
    });
    afterAll(async () => {
      await store?.close();
      await env?.teardown();
    });
    afterEach(async () => {
      await store.events.flush();
      await store.events.prune(Number.MAX_SAFE_INTEGER);
    });

    it('applies the migrations once; running them again changes nothing', async () => {
      expect(store.backend).toBe(backend.name);
      const all = (await loadMigrations()).map((m) => m.name);
      expect(all.slice(0, 2)).toEqual(['001_events.sql', '002_journal_checkpoints.sql']);
      expect(store.migrations.applied.length + store.migrations.skipped).toBe(all.length);
      expect(await migrate(store.sql)).toEqual({ applied: [], skipped: all.length });
      const { rows } = await store.sql.query<{ name: string }>(
        'SELECT name FROM flexiroaster_ai.migrations ORDER BY id',
      );
      expect(rows.map((r) => r.name)).toEqual(all);
    });

    it('scans the latest state per key since a time, in event-time order, across pages', async () => {
      await store.events.append([
        execution('e1', 'running', T0 + 1 * MIN),
        metric(1, T0 + 2 * MIN),
        execution('e2', 'running', T0 + 3 * MIN),
        metric(2, T0 - 10 * MIN), // before `since`
      ]);
      await store.events.append([
        execution('e1', 'completed', T0 + 5 * MIN), // replaces e1's running state
        metric(3, T0 + 4 * MIN),
        metric(3, T0 + 4 * MIN), // a repeat: one key, one row in the scan
      ]);
      // Nothing forced a flush: the scan itself must include journal-only events.
      expect(store.events.health().pendingEvents).toBe(7);
      const pages: TelemetryEvent[][] = [];
      for await (const page of store.events.scanSince(T0, 2)) pages.push(page);
      expect(pages.map((p) => p.length)).toEqual([2, 2]);
      // A smaller first page: the same events, the rest in full pages.
      const small: TelemetryEvent[][] = [];
      for await (const page of store.events.scanSince(T0, 2, 1)) small.push(page);
      expect(small.map((p) => p.length)).toEqual([1, 2, 1]);
      expect(small.flat()).toEqual(pages.flat());
      const keys = pages.flat().map((e) => [e.key, e.event_time - T0]);
      expect(keys).toEqual([
        ['m:p1:1', 2 * MIN],
        ['x:p1:e2', 3 * MIN],
        ['m:p1:3', 4 * MIN],
        ['x:p1:e1', 5 * MIN],
      ]);
      const e1 = pages.flat().find((e) => e.key === 'x:p1:e1');
      expect(e1).toMatchObject({ kind: 'execution', status: 'completed' });
      expect(store.events.health()).toMatchObject({
        ready: true,
        pendingEvents: 0,
        lagMs: 0,
        lastError: null,
      });
    });

    it('keeps every state as a row, and returns the event exactly as appended', async () => {
      const running = execution('e9', 'running', T0 + MIN);
      const done = {
        ...execution('e9', 'completed', T0 + 2 * MIN),
        error_message: 'tab\there "quoted" \\ é',
      };
      await store.events.append([running, done]);
      await store.events.flush();
      const { rows } = await store.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM flexiroaster_ai.events WHERE key = 'x:p1:e9'`,
      );
      expect(rows[0].n).toBe(2);
      expect(await collect(store.events.scanSince(T0))).toEqual([done]);
    });

    it('prunes by receipt time, not event time', async () => {
      await store.events.append([
        metric(1, T0 + 100 * MIN, T0), // old receipt, recent event time
        metric(2, T0, T0 + 100 * MIN), // recent receipt, old event time
        metric(3, T0 + MIN, T0 + 200 * MIN),
      ]);
      await store.events.flush();
      expect(await store.events.prune(T0 + 50 * MIN)).toBe(1);
      expect((await collect(store.events.scanSince(0))).map((e) => e.key)).toEqual(['m:p1:2', 'm:p1:3']);
      expect(await store.events.prune(T0 + 50 * MIN)).toBe(0);
    });

    it('groups many concurrent single-event appends into few journal writes', async () => {
      const before = store.events.stats();
      await Promise.all(Array.from({ length: 500 }, (_, i) => store.events.append([metric(i, T0 + i)])));
      const after = store.events.stats();
      expect(after.appendedEvents - before.appendedEvents).toBe(500);
      expect(after.journalGroups - before.journalGroups).toBeLessThan(50);
      expect(await collect(store.events.scanSince(T0))).toHaveLength(500);
    });

    it('refuses an event the database could not keep, and accepts the rest afterwards', async () => {
      await expect(store.events.append([{ ...metric(1, T0), event_time: Number.NaN }])).rejects.toThrow(
        ValidationError,
      );
      await expect(store.events.append([metric(2, T0)])).resolves.toBeUndefined();
    });
  });
}
