import type { SqlClient } from '../../../ports/index.js';

// Deleting in chunks keeps each statement short (PGlite serves one statement at a time).
const PRUNE_CHUNK = `
DELETE FROM flexiroaster_ai.events
WHERE id IN (
  SELECT id FROM flexiroaster_ai.events WHERE received_at < to_timestamp($1::float8 / 1000) LIMIT $2
)`;

/** Deletes events received before `receivedBeforeMs`, `chunk` rows per statement; returns how many. */
export async function pruneEvents(sql: SqlClient, receivedBeforeMs: number, chunk = 10_000): Promise<number> {
  let total = 0;
  for (;;) {
    const { rows } = await sql.query<{ n: number }>(
      `WITH gone AS (${PRUNE_CHUNK} RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      [receivedBeforeMs, chunk],
    );
    const n = rows[0]?.n ?? 0;
    total += n;
    if (n < chunk) return total;
  }
}
