import type { SqlClient } from '../../ports/index.js';
import { openSourceClient } from '../source/connect.js';

/** The connection to the write-back target and how to let it go. */
export interface WriteBackConnection {
  sql: SqlClient;
  close(): Promise<void>;
}

/**
 * A small pool on the source database (the write-back's own: a target that is down fails only its
 * passes), or, with no source URL, the service's own store that holds the demo schema.
 */
export function openWriteBackConnection(o: {
  sourceDatabaseUrl: string | null;
  store: SqlClient;
  onIdleError?: (err: Error) => void;
}): WriteBackConnection {
  if (o.sourceDatabaseUrl === null) return { sql: o.store, close: async () => undefined };
  const pool = openSourceClient(o.sourceDatabaseUrl, o.onIdleError);
  return { sql: pool, close: () => pool.close() };
}
