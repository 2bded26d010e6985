import type { SqlClient } from '../../ports/index.js';

/** Reads a source's saved position (null on first start). */
export async function readCheckpoint<P>(sql: SqlClient, source: string): Promise<P | null> {
  const { rows } = await sql.query<{ position: P }>(
    'SELECT position FROM flexiroaster_ai.source_checkpoints WHERE source = $1',
    [source],
  );
  return rows[0]?.position ?? null;
}

/** Saves a source's position; call only once everything before it is durable. */
export async function writeCheckpoint(
  sql: SqlClient,
  source: string,
  mode: string,
  position: unknown,
): Promise<void> {
  await sql.query(
    `INSERT INTO flexiroaster_ai.source_checkpoints (source, mode, position, updated_at) VALUES ($1, $2, $3::jsonb, now())
     ON CONFLICT (source) DO UPDATE SET mode = EXCLUDED.mode, position = EXCLUDED.position, updated_at = now()`,
    [source, mode, JSON.stringify(position)],
  );
}
