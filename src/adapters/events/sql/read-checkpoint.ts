import type { SqlClient } from '../../../ports/index.js';

/** The newest journal sequence number already in the database for this journal (0 if none). */
export async function readCheckpoint(sql: SqlClient, journalId: string): Promise<number> {
  const { rows } = await sql.query<{ seq: number }>(
    'SELECT flushed_seq::float8 AS seq FROM flexiroaster_ai.journal_checkpoints WHERE journal_id = $1',
    [journalId],
  );
  return rows.length === 0 ? 0 : rows[0].seq;
}
