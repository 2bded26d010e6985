import type { SqlClient } from '../../../ports/index.js';

// Creates the row at 0 on first use, so every later flush has a row to lock (see insert-batch.ts).
const READ_CHECKPOINT = `
WITH created AS (
  INSERT INTO flexiroaster_ai.journal_checkpoints (journal_id, flushed_seq) VALUES ($1, 0)
  ON CONFLICT (journal_id) DO NOTHING
  RETURNING flushed_seq
)
SELECT flushed_seq::float8 AS seq FROM created
UNION ALL
SELECT flushed_seq::float8 FROM flexiroaster_ai.journal_checkpoints WHERE journal_id = $1`;

/** The newest journal sequence number already in the database for this journal (0 if none). */
export async function readCheckpoint(sql: SqlClient, journalId: string): Promise<number> {
  const { rows } = await sql.query<{ seq: number }>(READ_CHECKPOINT, [journalId]);
  return rows.length === 0 ? 0 : Math.max(...rows.map((r) => r.seq));
}
