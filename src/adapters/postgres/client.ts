import pg from 'pg';
import type { SqlClient } from '../../ports/index.js';
import { toError } from '../../shared/index.js';
import { withSavepoint } from '../sql/savepoint.js';

/** A SqlClient that also owns its connections and must be closed. */
export interface ClosableSqlClient extends SqlClient {
  close(): Promise<void>;
}

export interface PostgresClientOptions {
  connectionString: string;
  /** Most connections the pool opens. @default 10 */
  poolSize?: number;
  /** Give up connecting after this long, so a dead server fails fast instead of hanging. @default 5000 */
  connectTimeoutMs?: number;
  /** Errors of idle connections (server restart, network) land here instead of crashing the process. */
  onIdleError?: (error: Error) => void;
}

type Queryable = pg.Pool | pg.PoolClient;

/** Opens a node-postgres pool behind the SqlClient port. */
export function openPostgresClient(options: PostgresClientOptions): ClosableSqlClient {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    application_name: 'flexiroaster-ai',
    keepAlive: true,
  });
  // An idle client's error is emitted on the pool; unhandled, it would kill the process.
  pool.on('error', (err) => options.onIdleError?.(toError(err)));
  return {
    ...clientOver(pool, 0),
    transaction: (fn) => poolTransaction(pool, fn),
    close: () => pool.end(),
  };
}

function clientOver(q: Queryable, depth: number): SqlClient {
  const self: SqlClient = {
    query: async <R extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) => {
      const result = await q.query<R>(sql, params === undefined ? undefined : [...params]);
      return { rows: result.rows };
    },
    exec: async (sql) => {
      await q.query(sql);
    },
    transaction: (fn) => withSavepoint(self, depth + 1, () => fn(clientOver(q, depth + 1))),
  };
  return self;
}

async function poolTransaction<T>(pool: pg.Pool, fn: (tx: SqlClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      const result = await fn(clientOver(client, 0));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        // The connection is unusable; release it destroyed rather than back into the pool.
        broken = toError(rollbackError);
      });
      throw err;
    }
  } finally {
    client.release(broken);
  }
}
