import type { SqlClient } from '../../../ports/index.js';
import { dropCopyRows, encodeEventsCopy, EVENTS_COPY_TARGET } from '../copy-binary.js';
import type { PendingBatch } from '../pending-queue.js';

/** A flush batch as the database takes it: one binary COPY input of consecutive journal events. */
export interface CopyBatch {
  /** Journal sequence number of the last event; the first is lastSeq - rows + 1. */
  lastSeq: number;
  /**
   * The checkpoint the batch needs at least: the last event of the batch sent before it. Several
   * batches may be in flight; one whose predecessor did not go in must not move the checkpoint past
   * the predecessor's events, so it inserts nothing and fails (FlushOrderError).
   */
  afterSeq: number;
  rows: number;
  /** encodeEventsCopy's output for the batch (moved, not copied, into a PGlite worker). */
  copy: Uint8Array;
}

/** What insertEventBatch needs from an open transaction. */
export interface CopyTransaction {
  query<R extends Record<string, unknown>>(sql: string, params: unknown[]): Promise<{ rows: R[] }>;
  /** Runs `COPY <target> FROM … (FORMAT binary)` with `data` as its whole input; resolves to rows copied. */
  copyBinary(target: string, data: Uint8Array): Promise<number>;
}

/** A SqlClient that also takes flush batches (both adapters: PGlite runs one inside its worker). */
export interface EventsSqlClient extends SqlClient {
  /** Runs insertEventBatch in a transaction of its own; resolves to the events inserted. */
  insertEvents(journalId: string, batch: CopyBatch): Promise<number>;
}

const LOCK_CHECKPOINT =
  'SELECT flushed_seq::float8 AS seq FROM flexiroaster_ai.journal_checkpoints WHERE journal_id = $1 FOR UPDATE';
const ADVANCE_CHECKPOINT = `
INSERT INTO flexiroaster_ai.journal_checkpoints (journal_id, flushed_seq) VALUES ($1, $2)
ON CONFLICT (journal_id) DO UPDATE
SET flushed_seq = greatest(journal_checkpoints.flushed_seq, excluded.flushed_seq), updated_at = now()`;

/** A flush batch's predecessor is not in the database (it failed or was not sent): nothing was inserted. */
export class FlushOrderError extends Error {
  constructor(checkpoint: number, afterSeq: number) {
    super(`journal checkpoint is at ${checkpoint}, the batch needs ${afterSeq} in first`);
    this.name = 'FlushOrderError';
  }
}

/**
 * The pending events as a CopyBatch following the one that ended at `afterSeq` (the encoding runs
 * wherever the caller is: the main thread).
 */
export function toCopyBatch(batch: PendingBatch, afterSeq: number): CopyBatch {
  return {
    lastSeq: batch.lastSeq,
    afterSeq,
    rows: batch.lines.length,
    copy: encodeEventsCopy(batch.events, batch.lines),
  };
}

/**
 * Inside the caller's transaction: inserts the batch's events not yet in the database and moves
 * the journal's checkpoint to batch.lastSeq. The checkpoint row is locked first: a statement a
 * killed process left running on the server either finishes before this reads the checkpoint or
 * finds it advanced, so no event is inserted twice. A checkpoint below batch.afterSeq means the
 * batch before it is not in: FlushOrderError, nothing changed. Returns how many events were inserted.
 */
export async function insertEventBatch(
  tx: CopyTransaction,
  journalId: string,
  batch: CopyBatch,
): Promise<number> {
  const { rows } = await tx.query<{ seq: number }>(LOCK_CHECKPOINT, [journalId]);
  const flushed = rows[0]?.seq ?? 0;
  if (flushed < batch.afterSeq) throw new FlushOrderError(flushed, batch.afterSeq);
  const firstSeq = batch.lastSeq - batch.rows + 1;
  const skip = Math.min(batch.rows, Math.max(0, flushed - firstSeq + 1));
  if (skip < batch.rows) {
    // One binary COPY: no SQL to parse per row, no text to split, no timestamps to convert.
    await tx.copyBinary(EVENTS_COPY_TARGET, skip === 0 ? batch.copy : dropCopyRows(batch.copy, skip));
  }
  await tx.query(ADVANCE_CHECKPOINT, [journalId, batch.lastSeq]);
  return batch.rows - skip;
}
