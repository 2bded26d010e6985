import type { CopyBatch } from '../events/sql/insert-batch.js';

/** Messages between the PGlite client (main thread) and the worker thread that owns the database. */

export interface WorkerInit {
  /** Folder of the database files; null keeps the database in memory. */
  dataDir: string | null;
}

export type WorkerRequest =
  | { id: number; op: 'query'; sql: string; params: readonly unknown[]; tx: number | null }
  | { id: number; op: 'exec'; sql: string; tx: number | null }
  /** insertEventBatch in a transaction of its own; the COPY bytes are transferred, not copied. */
  | { id: number; op: 'insertEvents'; journalId: string; batch: CopyBatch }
  | { id: number; op: 'begin' }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close' };

export interface WireError {
  message: string;
  code: string | undefined;
  detail: string | undefined;
}

/** Answer to the request with the same id; id 0 answers the start (the database is open, or why not). */
export type WorkerReply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };
