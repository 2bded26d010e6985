import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/pg.js';

const unavailable = await postgresUnavailable();

// The database really goes away (connections refused and cut); ingest must answer 503 with
// Retry-After instead of accepting what it cannot keep, and lose nothing it acknowledged.
describe.skipIf(unavailable !== null)('backpressure when the database is down', () => {
  let db: TestDatabase;
  let dataDir: string;
  let t: TestApp;
  const admin = () =>
    new pg.Client({ host: '127.0.0.1', user: process.env.PGUSER ?? 'postgres', database: 'postgres' });
  const setAllowed = async (allowed: boolean) => {
    const c = admin();
    await c.connect();
    try {
      await c.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS ${allowed}`);
      if (!allowed)
        await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db.name]);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase('backpressure');
    dataDir = await mkdtemp(join(tmpdir(), 'flexiroaster-bp-'));
    t = await startTestApp({ databaseUrl: db.url, dataDir, maxPendingEvents: 100 });
  });
  afterAll(async () => {
    await setAllowed(true).catch(() => undefined);
    await t?.close();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After past the pending limit, then catches up without losing anything', async () => {
    await setAllowed(false);
    let accepted = 0;
    let refused: {
      statusCode: number;
      headers: Record<string, unknown>;
      json(): { error: { code: string } };
    } | null = null;
    for (let i = 0; i < 20 && refused === null; i++) {
      const batch = Array.from({ length: 20 }, (_, j) => ({ pipeline_id: 'bp', id: `r-${i}-${j}` }));
      const res = await t.app.inject({ method: 'POST', url: '/api/monitoring/ingest', payload: batch });
      if (res.statusCode === 200) accepted += 20;
      else refused = res;
    }
    expect(refused?.statusCode).toBe(503);
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused?.json().error.code).toBe('STORE_UNAVAILABLE');
    expect(accepted).toBeGreaterThan(0);
    // Refused before the body is read: even a body that is not JSON gets the 503, not a 400.
    const unread = await t.app.inject({
      method: 'POST',
      url: '/api/monitoring/ingest',
      headers: { 'content-type': 'application/json' },
      payload: '[{"pipeline_id": ',
    });
    expect(unread.statusCode).toBe(503);
    expect(Number(unread.headers['retry-after'])).toBeGreaterThan(0);
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);

    await setAllowed(true);
    // The flusher retries with backoff on its own; wait for it to drain the journal.
    const deadline = Date.now() + 20_000;
    while (t.store.events.health().pendingEvents > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(t.store.events.health()).toMatchObject({ pendingEvents: 0, ready: true });
    const rows = await t.store.sql.query<{ n: string }>(
      "SELECT count(DISTINCT key)::text AS n FROM flexiroaster_ai.events WHERE pipeline_id = 'bp'",
    );
    expect(Number(rows.rows[0].n)).toBe(accepted);
    const after = await t.app.inject({
      method: 'POST',
      url: '/api/monitoring/ingest',
      payload: { pipeline_id: 'bp' },
    });
    expect(after.statusCode).toBe(200);
  }, 60_000);
});
