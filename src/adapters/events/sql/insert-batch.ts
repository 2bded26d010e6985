import type { CopySqlClient } from '../../postgres/client.js';
import { encodeEventsCopy, EVENTS_COPY_TARGET } from '../copy-binary.js';
import type { PendingBatch } from '../pending-queue.js';

/**
 * Inserts the batch's events not yet in the database and moves the journal's checkpoint to
 * batch.lastSeq, in one transaction. The checkpoint row is locked first: a statement a killed
 * process left running on the server either finishes before this reads the checkpoint or finds
 * it advanced, so no event is inserted twice. Returns how many events were inserted.
 */
export async function insertBatch(
  sql: CopySqlClient,
  journalId: string,
  batch: PendingBatch,
): Promise<number> {
  return sql.transaction(async (tx) => {
    const { rows } = await tx.query<{ seq: number }>(
      'SELECT flushed_seq::float8 AS seq FROM flexiroaster_ai.journal_checkpoints WHERE journal_id = $1 FOR UPDATE',
      [journalId],
    );
    const flushed = rows[0]?.seq ?? 0;
    const firstSeq = batch.lastSeq - batch.lines.length + 1;
    const skip = Math.min(batch.lines.length, Math.max(0, flushed - firstSeq + 1));
    if (skip < batch.lines.length) {
      // One binary COPY: no SQL to parse per row, no text to split, no timestamps to convert.
      const data =
        skip === 0
          ? encodeEventsCopy(batch.events, batch.lines)
          : encodeEventsCopy(batch.events.slice(skip), batch.lines.slice(skip));
      await tx.copyBinary(EVENTS_COPY_TARGET, data);
    }
    await tx.query(
      `INSERT INTO flexiroaster_ai.journal_checkpoints (journal_id, flushed_seq) VALUES ($1, $2)
       ON CONFLICT (journal_id) DO UPDATE
       SET flushed_seq = greatest(journal_checkpoints.flushed_seq, excluded.flushed_seq), updated_at = now()`,
      [journalId, batch.lastSeq],
    );
    return batch.lines.length - skip;
  });
}
