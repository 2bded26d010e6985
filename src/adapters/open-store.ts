import { join } from 'node:path';
import type { ServeConfig } from '../config/index.js';
import type { SqlClient } from '../ports/index.js';
import type { Clock } from '../shared/index.js';
import { JournaledEventStore, type JournaledEventStoreOptions } from './events/journaled-event-store.js';
import { safeNotify, type StoreNotice } from './events/notices.js';
import { migrate, type MigrationReport } from './migrations/migrate.js';
import { openPostgresClient, type ClosableSqlClient } from './postgres/client.js';
import { startStore, type StoreLocation, type StoreStart } from './store-start.js';

export interface OpenStoreOptions extends StoreLocation {
  /**
   * The first step, begun earlier with these options (startStore) so PGlite opened meanwhile;
   * openStore begins it itself when absent.
   */
  started?: StoreStart;
  /** @default 2 */
  groupCommitMs?: number;
  /** @default 200000 */
  maxPendingEvents?: number;
  /** Most events per database insert. @default 5000 on a server, 2000 on PGlite */
  flushBatchEvents?: number;
  /** @default 50 */
  flushIntervalMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  closeTimeoutMs?: number;
  /** Most server connections. @default 10 */
  poolSize?: number;
  clock?: Clock;
  onNotice?: (notice: StoreNotice) => void;
}

/** The service's own store: SQL access to its schema, the event store, and how it started. */
export interface Store {
  readonly backend: 'pglite' | 'postgres';
  /** Queries for the service's other tables (schema `flexiroaster_ai`); closed by close(). */
  readonly sql: SqlClient;
  readonly events: JournaledEventStore;
  readonly migrations: MigrationReport;
  /** Flushes the journal into the database, then closes the database (same as events.close()). */
  close(): Promise<void>;
}

/**
 * Opens the database (PGlite in `<dataDir>/pgdata`, or the server at databaseUrl), applies the
 * migrations, recovers the journal, and returns the store ready to serve.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const start = options.started ?? (await startStore(options));
  const release = () => start.release();
  const server = start.embedded === null;
  let sql: ClosableSqlClient | null = null;
  try {
    sql = start.embedded === null ? openServer(options) : await start.embedded;
    const db = sql;
    const migrations = await migrate(db);
    const events = await JournaledEventStore.open({
      ...tuning(options),
      flushBatchEvents: options.flushBatchEvents ?? (server ? 5000 : 2000),
      // PGlite's worker and the server's flush worker (one connection) run the batches in the
      // order sent, so the next can start while the answer to the last waits for this thread.
      flushesInFlight: 2,
      sql: db,
      journalDir: join(start.dataDir, 'journal'),
      onClose: async () => {
        try {
          await db.close();
        } finally {
          await release();
        }
      },
    });
    return {
      backend: server ? 'postgres' : 'pglite',
      sql: db,
      events,
      migrations,
      close: () => events.close(),
    };
  } catch (err) {
    await sql?.close().catch(() => undefined);
    await release();
    throw err;
  }
}

/** The store options the serve config decides (data folder, server URL, group commit, backpressure). */
export function storeOptionsFromConfig(
  config: Pick<ServeConfig, 'dataDir' | 'databaseUrl' | 'groupCommitMs' | 'maxPendingEvents'>,
): OpenStoreOptions {
  return {
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    groupCommitMs: config.groupCommitMs,
    maxPendingEvents: config.maxPendingEvents,
  };
}

function openServer(options: OpenStoreOptions): ClosableSqlClient {
  return openPostgresClient({
    connectionString: options.databaseUrl ?? '',
    poolSize: options.poolSize,
    onIdleError: (error) => safeNotify(options.onNotice, { type: 'database:idle-error', error }),
  });
}

function tuning(options: OpenStoreOptions): Partial<JournaledEventStoreOptions> {
  const { groupCommitMs, maxPendingEvents, flushIntervalMs, retryBaseMs, retryMaxMs, closeTimeoutMs } =
    options;
  return {
    groupCommitMs,
    maxPendingEvents,
    flushIntervalMs,
    retryBaseMs,
    retryMaxMs,
    closeTimeoutMs,
    clock: options.clock,
    onNotice: options.onNotice,
  };
}
