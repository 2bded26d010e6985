/**
 * Runs the same store tests on PGlite and on the real PostgreSQL: each backend gives a test file a
 * database of its own (migrated) and fresh folders for journals and stores.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, type ClosableSqlClient, type OpenStoreOptions } from '../../src/adapters/index.js';
import { openPostgresClient } from '../../src/adapters/internal.js';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from './pg.js';
import { freshDataDir, openTestPglite, type TestPglite } from './pglite.js';

export interface BackendEnv {
  /** A migrated database of this file's own (opened on first call: a PGlite costs seconds). */
  sql(): Promise<ClosableSqlClient>;
  /** openStore options pointing at this file's database, with a new data folder. */
  storeOptions(): Promise<OpenStoreOptions>;
  /** A new empty folder (for a journal), removed at teardown. */
  tempDir(): Promise<string>;
  /**
   * PostgreSQL only: the server refuses new connections to this database and drops the open ones
   * (an outage); resolves to the function that lets them in again.
   */
  cutConnections?(): Promise<() => Promise<void>>;
  /** Empties the events and checkpoints, between tests. */
  reset(): Promise<void>;
  teardown(): Promise<void>;
}

export interface StoreBackend {
  name: 'pglite' | 'postgres';
  /** Why this backend's tests are skipped, or null. */
  skip: string | null;
  setup(): Promise<BackendEnv>;
}

/** Both backends; PostgreSQL's is skipped (with the reason printed) when the server is unreachable. */
export async function storeBackends(label: string): Promise<StoreBackend[]> {
  const pgSkip = await postgresUnavailable();
  return [
    { name: 'pglite', skip: null, setup: setupPglite },
    { name: 'postgres', skip: pgSkip, setup: () => setupPostgres(label) },
  ];
}

function folders() {
  const dirs: string[] = [];
  return {
    track: (dir: string) => {
      dirs.push(dir);
      return dir;
    },
    tempDir: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'flexiroaster-test-'));
      dirs.push(dir);
      return dir;
    },
    removeAll: () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))),
  };
}

const RESET_SQL = 'TRUNCATE flexiroaster_ai.events, flexiroaster_ai.journal_checkpoints';

/** Calls `open` once, on first use, and remembers the promise. */
function lazy<T>(open: () => Promise<T>): { get(): Promise<T>; opened(): Promise<T> | null } {
  let value: Promise<T> | null = null;
  return { get: () => (value ??= open()), opened: () => value };
}

async function setupPglite(): Promise<BackendEnv> {
  const db = lazy(async (): Promise<TestPglite> => {
    const pglite = await openTestPglite();
    await migrate(pglite.sql);
    return pglite;
  });
  const f = folders();
  return {
    sql: async () => (await db.get()).sql,
    storeOptions: async () => ({ dataDir: f.track(await freshDataDir()) }),
    tempDir: f.tempDir,
    reset: async () => (await db.get()).sql.exec(RESET_SQL),
    teardown: async () => {
      await (await db.opened())?.close();
      await f.removeAll();
    },
  };
}

async function setupPostgres(label: string): Promise<BackendEnv> {
  const database: TestDatabase = await createTestDatabase(label);
  const sql = openPostgresClient({ connectionString: database.url, poolSize: 4 });
  await migrate(sql);
  const f = folders();
  return {
    sql: async () => sql,
    storeOptions: async () => ({ dataDir: await f.tempDir(), databaseUrl: database.url }),
    tempDir: f.tempDir,
    cutConnections: () => database.cutConnections(),
    reset: () => sql.exec(RESET_SQL),
    teardown: async () => {
      await sql.close();
      await database.drop();
      await f.removeAll();
    },
  };
}
