import type { SqlClient } from '../../../ports/index.js';

// One statement, so the rows and the checkpoint commit together or not at all. The events travel as
// one text of JSON lines (no per-row parameters to encode); MATERIALIZED parses each line once.
const INSERT_BATCH = `
WITH batch AS MATERIALIZED (
  SELECT line::jsonb AS j FROM string_to_table($1::text, E'\\n') AS line
), inserted AS (
  INSERT INTO flexiroaster_ai.events (key, kind, pipeline_id, event_time, received_at, payload)
  SELECT j->>'key', j->>'kind', j->>'pipeline_id',
         to_timestamp((j->>'event_time')::float8 / 1000), to_timestamp((j->>'received_at')::float8 / 1000), j
  FROM batch
)
INSERT INTO flexiroaster_ai.journal_checkpoints AS c (journal_id, flushed_seq) VALUES ($2, $3)
ON CONFLICT (journal_id) DO UPDATE SET flushed_seq = excluded.flushed_seq, updated_at = now()`;

/** Inserts events (JSON texts) and moves the journal's checkpoint to `lastSeq` in one statement. */
export async function insertBatch(
  sql: SqlClient,
  journalId: string,
  lines: readonly string[],
  lastSeq: number,
): Promise<void> {
  await sql.query(INSERT_BATCH, [lines.join('\n'), journalId, lastSeq]);
}
