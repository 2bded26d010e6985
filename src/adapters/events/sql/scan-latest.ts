import type { TelemetryEvent } from '../../../domain/index.js';
import type { SqlClient } from '../../../ports/index.js';

/** Where a page ended: the next page starts after this (event_time, id). */
export interface ScanCursor {
  eventTimeMs: number;
  id: number;
}

// Rows with event_time ≥ since that are the newest row of their key (as of the snapshot maxId),
// in (event_time, id) order after the cursor. event_time is compared through the same
// to_timestamp conversion it was stored with, so the cursor matches exactly. A fresh key (`n:`, a
// record without any id) never repeats, so only the other keys are looked up (and indexed) for a
// newer state.
const SCAN_PAGE = `
SELECT e.id::float8 AS id, e.payload
FROM flexiroaster_ai.events e
WHERE (e.event_time, e.id) > (to_timestamp($1::float8 / 1000), $2::bigint)
  AND e.id <= $3::bigint
  AND NOT EXISTS (
    SELECT 1 FROM flexiroaster_ai.events n
    WHERE n.key = e.key AND n.key NOT LIKE 'n:%' AND n.id > e.id AND n.id <= $3::bigint
  )
ORDER BY e.event_time, e.id
LIMIT $4`;

/** Highest event row id now: a scan reads up to it, so rows inserted meanwhile do not shift pages. */
export async function maxEventId(sql: SqlClient): Promise<number> {
  const { rows } = await sql.query<{ id: number | null }>(
    'SELECT max(id)::float8 AS id FROM flexiroaster_ai.events',
  );
  return rows[0]?.id ?? 0;
}

/** One page of the latest state per key, in event-time order, after `cursor`. */
export async function scanLatestPage(
  sql: SqlClient,
  cursor: ScanCursor,
  maxId: number,
  limit: number,
): Promise<{ events: TelemetryEvent[]; next: ScanCursor | null }> {
  const { rows } = await sql.query<{ id: number; payload: TelemetryEvent }>(SCAN_PAGE, [
    cursor.eventTimeMs,
    cursor.id,
    maxId,
    limit,
  ]);
  const events = rows.map((r) => r.payload);
  const last = rows.at(-1);
  const next =
    rows.length < limit || last === undefined ? null : { eventTimeMs: last.payload.event_time, id: last.id };
  return { events, next };
}
