import { openPostgresClient, type ClosableSqlClient } from '../postgres/client.js';

/** A small pool on the source database (setup, polling, look-ups; replication opens its own connection). */
export function openSourceClient(
  connectionString: string,
  onIdleError?: (err: Error) => void,
): ClosableSqlClient {
  return openPostgresClient({ connectionString, poolSize: 3, onIdleError });
}
