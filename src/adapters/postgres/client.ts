import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { SqlClient } from '../../ports/index.js';
import { toError } from '../../shared/index.js';
import { withSavepoint } from '../sql/savepoint.js';

/** A SqlClient that can also bulk-load rows with COPY (both adapters implement it). */
export interface CopySqlClient extends SqlClient {
  /**
   * Runs `COPY <target> FROM … (FORMAT binary)` with `data` as its whole input (a complete binary
   * COPY stream: header, rows, trailer); resolves to the number of rows copied.
   */
  copyBinary(target: string, data: Uint8Array): Promise<number>;
  transaction<T>(fn: (tx: CopySqlClient) => Promise<T>): Promise<T>;
}

/** A SqlClient that also owns its connections and must be closed. */
export interface ClosableSqlClient extends CopySqlClient {
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

function clientOver(q: Queryable, depth: number): CopySqlClient {
  const self: CopySqlClient = {
    query: async <R extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) => {
      const result = await q.query<R>(sql, params === undefined ? undefined : [...params]);
      return { rows: result.rows };
    },
    exec: async (sql) => {
      await q.query(sql);
    },
    copyBinary: async (target, data) => {
      if (!(q instanceof pg.Pool)) return copyOn(q, target, data);
      const client = await q.connect();
      let broken: Error | undefined;
      try {
        return await copyOn(client, target, data);
      } catch (err) {
        broken = toError(err);
        throw err;
      } finally {
        // A COPY that failed midway may leave the connection in an unknown state: do not reuse it.
        client.release(broken);
      }
    },
    transaction: (fn) => withSavepoint(self, depth + 1, () => fn(clientOver(q, depth + 1))),
  };
  return self;
}

function copyOn(client: pg.PoolClient, target: string, data: Uint8Array): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${target} FROM STDIN (FORMAT binary)`));
  return new Promise<number>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('finish', () => resolve(stream.rowCount));
    stream.end(data);
  });
}

async function poolTransaction<T>(pool: pg.Pool, fn: (tx: CopySqlClient) => Promise<T>): Promise<T> {
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
