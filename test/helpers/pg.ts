/**
 * A fresh database per test file on the real PostgreSQL (127.0.0.1:5432, user postgres; PGHOST,
 * PGPORT, PGUSER, PGPASSWORD override). When the server is unreachable, suites using it are skipped
 * with the reason printed; CI makes sure it runs.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  name: string;
  /** Refuses new connections and terminates open ones; resolves to the function that undoes it. */
  cutConnections(): Promise<() => Promise<void>>;
  /** Drops the database (terminating leftover connections). */
  drop(): Promise<void>;
}

interface ServerConfig {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  connectionTimeoutMillis: number;
}

function serverConfig(database: string): ServerConfig {
  return {
    host: process.env.PGHOST ?? '127.0.0.1',
    port: Number(process.env.PGPORT ?? 5432),
    user: process.env.PGUSER ?? 'postgres',
    password: process.env.PGPASSWORD,
    database,
    connectionTimeoutMillis: 3000,
  };
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(serverConfig('postgres'));
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Why PostgreSQL cannot be used, or null when it can. Checked once per test file. */
export async function postgresUnavailable(): Promise<string | null> {
  try {
    await withAdmin((c) => c.query('SELECT 1'));
    return null;
  } catch (err) {
    const reason = `PostgreSQL at ${serverConfig('postgres').host}:${serverConfig('postgres').port} unreachable (${
      err instanceof Error ? err.message : String(err)
    }); skipping its tests`;
    console.warn(reason);
    return reason;
  }
}

/** Creates an empty database named after `label` plus a random suffix. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  const cfg = serverConfig(name);
  const auth = cfg.password === undefined ? cfg.user : `${cfg.user}:${encodeURIComponent(cfg.password)}`;
  return {
    name,
    url: `postgres://${auth}@${cfg.host}:${cfg.port}/${name}`,
    cutConnections: async () => {
      await withAdmin(async (c) => {
        await c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
        await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      });
      return () =>
        withAdmin((c) => c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`)).then(() => undefined);
    },
    drop: () =>
      withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
