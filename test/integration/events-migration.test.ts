import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate, type ClosableSqlClient } from '../../src/adapters/index.js';
import { maxEventId, openPostgresClient, pruneEvents, scanLatestPage } from '../../src/adapters/internal.js';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/pg.js';

const T0 = Date.UTC(2026, 10, 29, 6, 0, 0);
const INSERT = `
INSERT INTO flexiroaster_ai.events (key, kind, pipeline_id, event_time, received_at, payload)
VALUES ($1, $2, 'p', to_timestamp($3::float8 / 1000), to_timestamp($4::float8 / 1000), $5::jsonb)`;

/** One stored state: payload as the service writes it (key, kind and times repeated inside). */
async function insert(sql: ClosableSqlClient, key: string, at: number, status: string): Promise<void> {
  const payload = {
    kind: 'stage',
    key,
    pipeline_id: 'p',
    event_time: at,
    received_at: at,
    status,
    stage_name: 'load',
  };
  await sql.query(INSERT, [key, 'stage', at, at, JSON.stringify(payload)]);
}

const pgSkip = await postgresUnavailable();
describe.skipIf(pgSkip !== null)('migration 011 (lighter event writes) on postgres', () => {
  let database: TestDatabase;
  let sql: ClosableSqlClient;
  beforeAll(async () => {
    database = await createTestDatabase('events_migration');
    sql = openPostgresClient({ connectionString: database.url, poolSize: 1 });
    const all = await loadMigrations();
    await migrate(
      sql,
      all.filter((m) => m.id < 11),
    );
    // Rows written before the migration, in the jsonb column: a key with two states, two fresh keys.
    await insert(sql, 's:p:x1:a', T0, 'running');
    await insert(sql, 'n:old-1', T0 + 1000, 'failed');
    await insert(sql, 's:p:x1:a', T0 + 2000, 'failed');
    await insert(sql, 'n:old-2', T0 + 3000, 'completed');
    await migrate(sql, all);
  });
  afterAll(async () => {
    await sql?.close();
    await database?.drop();
  });

  it('keeps the rows written before it, payload now json, and still scans the latest state per key', async () => {
    const { rows } = await sql.query<{ t: string }>(
      `SELECT pg_typeof(payload)::text AS t FROM flexiroaster_ai.events LIMIT 1`,
    );
    expect(rows[0].t).toBe('json');
    await insert(sql, 'n:new-1', T0 + 4000, 'completed');
    await insert(sql, 's:p:x1:a', T0 + 5000, 'completed');
    const page = await scanLatestPage(sql, { eventTimeMs: 0, id: 0 }, await maxEventId(sql), 100);
    expect(page.events.map((e) => [e.key, (e as { status: string }).status])).toEqual([
      ['n:old-1', 'failed'],
      ['n:old-2', 'completed'],
      ['n:new-1', 'completed'],
      ['s:p:x1:a', 'completed'],
    ]);
  });

  it('looks up newer states through the key index, which leaves fresh keys out', async () => {
    const plan = async (where: string) => {
      const { rows } = await sql.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT 1 FROM flexiroaster_ai.events n WHERE ${where} AND n.id > 1`,
      );
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    await sql.exec('SET enable_seqscan = off');
    try {
      expect(await plan(`n.key = 's:p:x1:a' AND n.key NOT LIKE 'n:%'`)).toContain('events_key_idx');
      // Without the scan's NOT LIKE the partial index cannot answer: fresh keys are not in it.
      expect(await plan(`n.key = 'n:old-1'`)).not.toContain('events_key_idx');
    } finally {
      await sql.exec('RESET enable_seqscan');
    }
  });

  it('prunes by receipt time through the block-range index', async () => {
    const removed = await pruneEvents(sql, T0 + 2500);
    expect(removed).toBe(3);
    const { rows } = await sql.query<{ key: string }>(`SELECT key FROM flexiroaster_ai.events ORDER BY id`);
    expect(rows.map((r) => r.key)).toEqual(['n:old-2', 'n:new-1', 's:p:x1:a']);
  });
});
