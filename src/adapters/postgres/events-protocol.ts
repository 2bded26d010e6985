/** Messages between the PostgreSQL client (main thread) and its flush worker (events-worker.ts). */
import type { CopyBatch } from '../events/sql/insert-batch.js';

export interface EventsWorkerInit {
  connectionString: string;
  connectTimeoutMs: number;
}

export type EventsWorkerRequest =
  { id: number; op: 'insertEvents'; journalId: string; batch: CopyBatch } | { id: number; op: 'close' };

/** Answer to the request with the same id: rows inserted, or the error's message and code. */
export type EventsWorkerReply =
  | { id: number; ok: true; value: number }
  | { id: number; ok: false; message: string; code: string | undefined };
