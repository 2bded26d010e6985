import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate, type ClosableSqlClient, type Migration } from '../../src/adapters/index.js';
import { openPostgresClient } from '../../src/adapters/internal.js';
import type { SqlClient } from '../../src/ports/index.js';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/pg.js';
import { openTestPglite, type TestPglite } from '../helpers/pglite.js';

const good: Migration = { id: 1, name: '001_one.sql', sql: 'CREATE TABLE flexiroaster_ai.one (a int);' };
const bad: Migration = {
  id: 2,
  name: '002_two.sql',
  sql: 'CREATE TABLE flexiroaster_ai.two (a int); SELECT 1 / 0;',
};

async function tables(sql: ClosableSqlClient): Promise<string[]> {
  const { rows } = await sql.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'flexiroaster_ai' ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

describe('migrations on pglite', () => {
  let db: TestPglite;
  beforeAll(async () => {
    db = await openTestPglite();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('rolls a failing migration back whole and records only the ones that succeeded', async () => {
    await expect(migrate(db.sql, [good, bad])).rejects.toThrow(/division by zero/);
    expect(await tables(db.sql)).toEqual(['migrations', 'one']);
    expect(await migrate(db.sql, [good])).toEqual({ applied: [], skipped: 1 });
  });

  it('sees with one query, no lock and no transaction, that everything is in place', async () => {
    await migrate(db.sql, [good]);
    const seen: string[] = [];
    const counting: SqlClient = {
      query: (text, params) => (seen.push(text), db.sql.query(text, params)),
      exec: (text) => (seen.push(text), db.sql.exec(text)),
      transaction: (fn) => (seen.push('transaction'), db.sql.transaction(fn)),
    };
    expect(await migrate(counting, [good])).toEqual({ applied: [], skipped: 1 });
    expect(seen).toHaveLength(1);
    // One not yet applied: the full path, under the lock.
    const third: Migration = {
      id: 3,
      name: '003_three.sql',
      sql: 'CREATE TABLE flexiroaster_ai.three (a int);',
    };
    expect(await migrate(counting, [good, third])).toEqual({ applied: ['003_three.sql'], skipped: 1 });
    expect(seen).toContain('transaction');
  });
});

const pgSkip = await postgresUnavailable();
describe.skipIf(pgSkip !== null)('migrations on postgres', () => {
  let database: TestDatabase;
  const clients: ClosableSqlClient[] = [];
  const client = () => {
    const c = openPostgresClient({ connectionString: database.url, poolSize: 2 });
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    database = await createTestDatabase('store_migrations');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await database?.drop();
  });

  it('lets two processes migrate at once: each migration is applied exactly once', async () => {
    const all = await loadMigrations();
    const reports = await Promise.all([migrate(client()), migrate(client()), migrate(client())]);
    const applied = reports.flatMap((r) => r.applied).sort();
    expect(applied).toEqual(all.map((m) => m.name));
    const { rows } = await client().query<{ n: number }>(
      'SELECT count(*)::int AS n FROM flexiroaster_ai.migrations',
    );
    expect(rows[0].n).toBe(all.length);
  });
});
