import type { JournalCut } from '../journal/recover.js';

/** What the event store reports to the service's log and metrics; listeners cannot break the store. */
export type StoreNotice =
  | { type: 'journal:recovered'; events: number; cuts: JournalCut[] }
  | { type: 'journal:write-failed'; error: Error }
  | { type: 'journal:cleanup-failed'; error: Error }
  | { type: 'flush:failed'; error: Error; attempt: number; retryInMs: number }
  | { type: 'flush:recovered'; attempts: number }
  /** A pooled server connection failed while idle (server restart, network); the pool replaces it. */
  | { type: 'database:idle-error'; error: Error }
  /** close() gave up waiting for the database; these events stay in the journal for the next start. */
  | { type: 'close:unflushed'; events: number };

/** Calls the listener, swallowing anything it throws. */
export function safeNotify(listener: ((notice: StoreNotice) => void) | undefined, notice: StoreNotice): void {
  try {
    listener?.(notice);
  } catch {
    // A broken log sink must not take ingest down with it.
  }
}
