import type { SqlClient } from '../../../ports/index.js';
import type { PendingBatch } from '../pending-queue.js';

// The events travel as one text of JSON lines (no per-row parameters to encode); MATERIALIZED
// parses each line once although the row uses it six times.
const INSERT_EVENTS = `
WITH batch AS MATERIALIZED (
  SELECT line::jsonb AS j FROM string_to_table($1::text, E'\\n') AS line
)
INSERT INTO flexiroaster_ai.events (key, kind, pipeline_id, event_time, received_at, payload)
SELECT j->>'key', j->>'kind', j->>'pipeline_id',
       to_timestamp((j->>'event_time')::float8 / 1000), to_timestamp((j->>'received_at')::float8 / 1000), j
FROM batch`;

/**
 * Inserts the batch's events not yet in the database and moves the journal's checkpoint to
 * batch.lastSeq, in one transaction. The checkpoint row is locked first: a statement a killed
 * process left running on the server either finishes before this reads the checkpoint or finds
 * it advanced, so no event is inserted twice. Returns how many events were inserted.
 */
export async function insertBatch(sql: SqlClient, journalId: string, batch: PendingBatch): Promise<number> {
  return sql.transaction(async (tx) => {
    const { rows } = await tx.query<{ seq: number }>(
      'SELECT flushed_seq::float8 AS seq FROM flexiroaster_ai.journal_checkpoints WHERE journal_id = $1 FOR UPDATE',
      [journalId],
    );
    const flushed = rows[0]?.seq ?? 0;
    const firstSeq = batch.lastSeq - batch.lines.length + 1;
    const skip = Math.min(batch.lines.length, Math.max(0, flushed - firstSeq + 1));
    const fresh = skip === 0 ? batch.lines : batch.lines.slice(skip);
    if (fresh.length > 0) await tx.query(INSERT_EVENTS, [fresh.join('\n')]);
    await tx.query(
      `INSERT INTO flexiroaster_ai.journal_checkpoints (journal_id, flushed_seq) VALUES ($1, $2)
       ON CONFLICT (journal_id) DO UPDATE
       SET flushed_seq = greatest(journal_checkpoints.flushed_seq, excluded.flushed_seq), updated_at = now()`,
      [journalId, batch.lastSeq],
    );
    return fresh.length;
  });
}
