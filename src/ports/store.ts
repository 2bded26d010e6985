import type { TelemetryEvent } from '../domain/index.js';

/** Minimal SQL access both PGlite and node-postgres provide; adapters implement it. */
export interface SqlClient {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ rows: R[] }>;
  /** Runs several statements separated by semicolons, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
}

export interface StoreHealth {
  /** Can accept and persist ingest right now. */
  ready: boolean;
  /** Events acknowledged (durable in the journal) but not yet in the database. */
  pendingEvents: number;
  /** Age of the oldest such event, ms (0 when none). */
  lagMs: number;
  lastError: string | null;
}

/** Durable, append-only record of every accepted event. */
export interface EventStore {
  /**
   * Makes the events durable. Resolves only once they would survive a crash; concurrent calls are
   * grouped into one write (group commit). Rejects with StoreUnavailableError when the store is
   * down or too far behind, so the caller can answer 503 instead of accepting what it cannot keep.
   */
  append(events: readonly TelemetryEvent[]): Promise<void>;
  /**
   * Throws the StoreUnavailableError an append of `incoming` events would reject with right now, so
   * a caller can refuse before it reads and decodes a body it could not keep.
   */
  admit(incoming: number): void;
  /**
   * The latest state of every key whose event time is ≥ sinceMs, in event-time order, in pages
   * (rebuilds the windows after a restart). Includes events still only in the journal. The first
   * page can be smaller (`firstPageSize`, default pageSize), so a scan opens quickly.
   */
  scanSince(sinceMs: number, pageSize?: number, firstPageSize?: number): AsyncIterable<TelemetryEvent[]>;
  /** Deletes events received before `receivedBeforeMs`; returns how many. */
  prune(receivedBeforeMs: number): Promise<number>;
  health(): StoreHealth;
  /** Flushes everything pending to the database, then closes. */
  close(): Promise<void>;
}
