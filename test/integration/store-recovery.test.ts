import { appendFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  JournaledEventStore,
  openStore,
  type ClosableSqlClient,
  type JournaledEventStoreOptions,
  type StoreNotice,
} from '../../src/adapters/index.js';
import { encodeGroup, listSegments } from '../../src/adapters/internal.js';
import { StoreUnavailableError } from '../../src/shared/index.js';
import { collect, metric, T0 } from '../helpers/events.js';
import { faultySql, type FaultySql } from '../helpers/faulty-sql.js';
import { storeBackends, type BackendEnv } from '../helpers/store-backends.js';

for (const backend of await storeBackends('store_recovery')) {
  describe.skipIf(backend.skip !== null)(`journal recovery and backpressure on ${backend.name}`, () => {
    let env: BackendEnv;
    let db: ClosableSqlClient;
    let sql: FaultySql;
    const open: JournaledEventStore[] = [];

    beforeAll(async () => {
      env = await backend.setup();
      db = await env.sql();
      sql = faultySql(db);
    });
    afterAll(async () => {
      await env?.teardown();
    });
    afterEach(async () => {
      sql.failing = false;
      sql.stall = null;
      await Promise.all(open.splice(0).map((s) => s.close()));
      await env.reset();
    });

    async function openJournaled(
      journalDir: string,
      options: Partial<JournaledEventStoreOptions> = {},
    ): Promise<JournaledEventStore> {
      const store = await JournaledEventStore.open({
        sql,
        journalDir,
        retryBaseMs: 5,
        retryMaxMs: 20,
        ...options,
      });
      open.push(store);
      return store;
    }

    async function rowCounts(): Promise<{ rows: number; keys: number }> {
      const { rows } = await db.query<{ rows: number; keys: number }>(
        'SELECT count(*)::int AS rows, count(DISTINCT key)::int AS keys FROM flexiroaster_ai.events',
      );
      return rows[0];
    }

    it('replays journaled events the database never got, exactly once', async () => {
      const dir = await env.tempDir();
      const notices: StoreNotice[] = [];
      const first = await openJournaled(dir, { flushIntervalMs: 60_000, closeTimeoutMs: 50 });
      sql.failing = true;
      await first.append(Array.from({ length: 40 }, (_, i) => metric(i, T0 + i)));
      await first.append(Array.from({ length: 10 }, (_, i) => metric(40 + i, T0 + 40 + i)));
      await first.close(); // the database is down: the 50 events stay in the journal
      expect(await rowCounts()).toEqual({ rows: 0, keys: 0 });

      sql.failing = false;
      const second = await openJournaled(dir, { onNotice: (n) => notices.push(n) });
      expect(second.recovered.events).toBe(50);
      expect(notices).toContainEqual({ type: 'journal:recovered', events: 50, cuts: [] });
      expect(await rowCounts()).toEqual({ rows: 50, keys: 50 });
      await second.close();

      // Reopening again replays nothing: the checkpoint moved with the rows.
      const third = await openJournaled(dir);
      expect(third.recovered.events).toBe(0);
      expect(await rowCounts()).toEqual({ rows: 50, keys: 50 });
      expect((await collect(third.scanSince(T0))).map((e) => e.key)).toHaveLength(50);
    });

    it('cuts a torn tail off the journal and keeps every acknowledged group before it', async () => {
      const dir = await env.tempDir();
      const first = await openJournaled(dir, { flushIntervalMs: 60_000, closeTimeoutMs: 50 });
      sql.failing = true;
      await first.append([metric(1, T0), metric(2, T0)]);
      await first.append([metric(3, T0)]);
      await first.close();
      // A crash in the middle of writing the next group leaves part of it behind.
      const segments = await listSegments(dir);
      const torn = encodeGroup(4, [JSON.stringify(metric(4, T0))]);
      await appendFile(segments.at(-1)?.path ?? '', torn.subarray(0, torn.length - 7));

      sql.failing = false;
      const second = await openJournaled(dir);
      expect(second.recovered.events).toBe(3);
      expect(second.recovered.cuts).toEqual([
        expect.objectContaining({ path: segments.at(-1)?.path, cutBytes: torn.length - 7 }),
      ]);
      await second.append([metric(5, T0)]);
      expect((await collect(second.scanSince(T0))).map((e) => e.key).sort()).toEqual([
        'm:p1:1',
        'm:p1:2',
        'm:p1:3',
        'm:p1:5',
      ]);
    });

    it('refuses appends while the database fails, reports it, and takes them again once it is back', async () => {
      const dir = await env.tempDir();
      const notices: StoreNotice[] = [];
      const store = await openJournaled(dir, { flushIntervalMs: 1, onNotice: (n) => notices.push(n) });
      sql.failing = true;
      await store.append([metric(1, T0)]); // durable in the journal; the flush then fails
      await expect.poll(() => store.health().ready).toBe(false);
      const health = store.health();
      expect(health.pendingEvents).toBe(1);
      expect(health.lastError).toMatch(/ECONNREFUSED/);
      const refused = await store.append([metric(2, T0)]).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(StoreUnavailableError);
      expect((refused as StoreUnavailableError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
      await expect(store.flush()).rejects.toThrow(StoreUnavailableError);
      expect(notices.some((n) => n.type === 'flush:failed')).toBe(true);

      sql.failing = false;
      await expect.poll(() => store.health().ready).toBe(true);
      expect(notices.some((n) => n.type === 'flush:recovered')).toBe(true);
      await store.append([metric(3, T0)]);
      expect((await collect(store.scanSince(T0))).map((e) => e.key)).toEqual(['m:p1:1', 'm:p1:3']);
    });

    it('refuses appends past maxPendingEvents while the database lags, and catches up', async () => {
      const dir = await env.tempDir();
      const store = await openJournaled(dir, {
        maxPendingEvents: 100,
        flushBatchEvents: 50,
        flushIntervalMs: 1,
      });
      let release: () => void = () => undefined;
      sql.stall = new Promise((resolve) => (release = resolve));
      await store.append(Array.from({ length: 60 }, (_, i) => metric(i, T0)));
      await store.append(Array.from({ length: 40 }, (_, i) => metric(60 + i, T0)));
      const refused = await store.append([metric(100, T0)]).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(StoreUnavailableError);
      expect((refused as Error).message).toMatch(/behind/);
      expect(store.health()).toMatchObject({ ready: false, pendingEvents: 100, lastError: null });

      sql.stall = null;
      release();
      await store.flush();
      expect(store.health()).toMatchObject({ ready: true, pendingEvents: 0 });
      await store.append([metric(100, T0)]);
      await store.flush();
      expect(await rowCounts()).toEqual({ rows: 101, keys: 101 });
    });

    it('refuses appends once closed; closing twice is harmless', async () => {
      const store = await openJournaled(await env.tempDir());
      await store.append([metric(1, T0)]);
      await store.close();
      await store.close();
      await expect(store.append([metric(2, T0)])).rejects.toThrow(StoreUnavailableError);
      expect(store.health().ready).toBe(false);
      expect(await rowCounts()).toEqual({ rows: 1, keys: 1 });
    });

    // Only a server can really go away underneath the store.
    if (backend.name === 'postgres')
      it('rides out a real server outage: refuses while connections fail, flushes when they are back', async () => {
        const store = await openStore({ ...(await env.storeOptions()), retryBaseMs: 10, retryMaxMs: 50 });
        try {
          await store.events.append([metric(1, T0)]);
          await store.events.flush();
          const restore = await env.cutConnections?.();
          await store.events.append([metric(2, T0)]).catch(() => undefined);
          await expect.poll(() => store.events.health().ready).toBe(false);
          await expect(store.events.append([metric(3, T0)])).rejects.toThrow(StoreUnavailableError);
          await restore?.();
          await expect.poll(() => store.events.health().ready, { timeout: 5000 }).toBe(true);
          await store.events.append([metric(4, T0)]);
          const keys = (await collect(store.events.scanSince(T0))).map((e) => e.key);
          expect(keys).toContain('m:p1:1');
          expect(keys).toContain('m:p1:4');
          expect(keys).not.toContain('m:p1:3');
        } finally {
          await store.close();
        }
      });
  });
}
