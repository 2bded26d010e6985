import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { SqlClient } from '../../ports/index.js';
import { toError } from '../../shared/index.js';
import {
  insertEventBatch,
  type CopyBatch,
  type CopyTransaction,
  type EventsSqlClient,
} from '../events/sql/insert-batch.js';
import { withSavepoint } from '../sql/savepoint.js';
import { eventsWorkerClient } from './events-client.js';

/** A SqlClient that also owns its connections and must be closed. */
export interface ClosableSqlClient extends EventsSqlClient {
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
  /**
   * insertEvents runs in a worker thread over a connection of its own, so a flush's round trips
   * never queue behind the main thread's work. @default true
   */
  eventsInWorker?: boolean;
}

type Queryable = pg.Pool | pg.PoolClient;

/** Opens a node-postgres pool behind the SqlClient port. */
export function openPostgresClient(options: PostgresClientOptions): ClosableSqlClient {
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: connectTimeoutMs,
    application_name: 'flexiroaster-ai',
    keepAlive: true,
  });
  // An idle client's error is emitted on the pool; unhandled, it would kill the process.
  pool.on('error', (err) => options.onIdleError?.(toError(err)));
  const insertHere = (journalId: string, batch: CopyBatch) =>
    poolTransaction(pool, (client) => insertEventBatch(copyTransaction(client), journalId, batch));
  const worker =
    options.eventsInWorker === false
      ? null
      : eventsWorkerClient({ connectionString: options.connectionString, connectTimeoutMs });
  return {
    ...clientOver(pool, 0),
    transaction: (fn) => poolTransaction(pool, (client) => fn(clientOver(client, 0))),
    insertEvents: worker === null ? insertHere : worker.insertEvents,
    close: async () => {
      try {
        await worker?.close();
      } finally {
        await pool.end();
      }
    },
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

function copyTransaction(client: pg.PoolClient): CopyTransaction {
  return {
    query: async <R extends Record<string, unknown>>(sql: string, params: unknown[]) => ({
      rows: (await client.query<R>(sql, params)).rows,
    }),
    copyBinary: (target, data) => {
      const stream = client.query(copyFrom(`COPY ${target} FROM STDIN (FORMAT binary)`));
      return new Promise<number>((resolve, reject) => {
        stream.on('error', reject);
        stream.on('finish', () => resolve(stream.rowCount));
        stream.end(data);
      });
    },
  };
}

/** Runs `fn` between BEGIN and COMMIT on one pooled connection; rolls back when it throws. */
async function poolTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      const result = await fn(client);
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
