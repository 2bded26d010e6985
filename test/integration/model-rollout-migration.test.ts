import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate, type ClosableSqlClient } from '../../src/adapters/index.js';
import { openPostgresClient } from '../../src/adapters/internal.js';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/pg.js';

const pgSkip = await postgresUnavailable();
describe.skipIf(pgSkip !== null)('migration 007 (model rollout) on postgres', () => {
  let database: TestDatabase;
  let sql: ClosableSqlClient;
  beforeAll(async () => {
    database = await createTestDatabase('model_rollout_migration');
    sql = openPostgresClient({ connectionString: database.url, poolSize: 1 });
  });
  afterAll(async () => {
    await sql?.close();
    await database?.drop();
  });

  it('keeps the newest full and canary version of each kind when older data held several', async () => {
    const all = await loadMigrations();
    await migrate(
      sql,
      all.filter((m) => m.id < 7),
    );
    const rows: [string, string, string][] = [
      ['anomaly', 'a1', 'full'],
      ['anomaly', 'a2', 'full'],
      ['anomaly', 'a3', 'canary'],
      ['anomaly', 'a4', 'canary'],
      ['anomaly', 'a5', 'shadow'],
      ['prediction', 'p1', 'full'],
    ];
    for (const [kind, version, status] of rows) {
      await sql.query(
        `INSERT INTO flexiroaster_ai.model_registry (kind, model_version, status, artifact, created_at)
         VALUES ($1, $2, $3, '{}', now())`,
        [kind, version, status],
      );
    }
    await migrate(sql, all);
    const { rows: after } = await sql.query<{ model_version: string; status: string }>(
      `SELECT model_version, status FROM flexiroaster_ai.model_registry ORDER BY model_version`,
    );
    expect(after.map((r) => [r.model_version, r.status])).toEqual([
      ['a1', 'retired'],
      ['a2', 'full'],
      ['a3', 'retired'],
      ['a4', 'canary'],
      ['a5', 'shadow'],
      ['p1', 'full'],
    ]);
    await expect(
      sql.query(`UPDATE flexiroaster_ai.model_registry SET status = 'full' WHERE model_version = 'a5'`),
    ).rejects.toMatchObject({ code: '23505' });
  });
});
