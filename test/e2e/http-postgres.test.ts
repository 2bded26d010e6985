import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/shared/index.js';
import { startTestApp } from '../helpers/app.js';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/pg.js';

const unavailable = await postgresUnavailable();

describe.skipIf(unavailable !== null)('the service on a real PostgreSQL server', () => {
  let db: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    db = await createTestDatabase('http_e2e');
    dataDir = await mkdtemp(join(tmpdir(), 'flexiroaster-pg-e2e-'));
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('ingests through HTTP and rebuilds the windows from the server after a restart', async () => {
    const clock = new FakeClock(Date.parse('2026-03-01T12:00:00Z'));
    const first = await startTestApp({ databaseUrl: db.url, dataDir, clock });
    const records = Array.from({ length: 300 }, (_, i) => ({
      pipeline_id: `pg-${i % 3}`,
      id: `run-${i}`,
      status: i % 10 === 0 ? 'failed' : 'completed',
      duration_seconds: 60,
      error_message: i % 10 === 0 ? `connection refused to 10.0.0.${i % 7}:5432` : null,
    }));
    const res = await first.app.inject({ method: 'POST', url: '/api/monitoring/ingest', payload: records });
    expect(res.json()).toMatchObject({ accepted: 300, rejected: [] });
    await first.close();

    const second = await startTestApp({ databaseUrl: db.url, dataDir, clock });
    try {
      const snap = (await second.app.inject({ url: '/api/monitoring/pg-0/snapshot' })).json();
      expect(snap.sampled_events).toBe(100);
      expect(snap.metrics.failure_rate).toBeCloseTo(0.1, 10);
      expect(snap.signals.dominant_error_patterns[0].count).toBe(10);
      const rows = await second.store.sql.query<{ n: string }>(
        'SELECT count(DISTINCT key)::text AS n FROM flexiroaster_ai.events',
      );
      expect(Number(rows.rows[0].n)).toBe(300);
    } finally {
      await second.close();
    }
  });
});
