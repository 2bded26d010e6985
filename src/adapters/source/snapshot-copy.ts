import { SOURCE_TABLES, type Row } from '../../ingest/index.js';
import type { SqlClient } from '../../ports/index.js';
import type { RowApplier } from './apply-rows.js';
import { qualified } from './tables.js';

/**
 * How far an initial copy got: the table index and the last row position (ctid) read in it. Rows
 * updated meanwhile may move; their new versions arrive as changes anyway.
 */
export interface CopyPosition {
  table: number;
  after: string | null;
}

/**
 * Copies every row of the FlexiRoaster tables in keyset pages (the backlog before a replication
 * slot existed), saving its position after each durable page so a restart resumes the copy.
 */
export async function copyTables(
  source: SqlClient,
  schema: string,
  applier: RowApplier,
  start: CopyPosition,
  save: (pos: CopyPosition) => Promise<void>,
  stopped: () => boolean,
  limit = 5000,
): Promise<boolean> {
  for (let t = start.table; t < SOURCE_TABLES.length; t++) {
    const table = SOURCE_TABLES[t];
    let after = t === start.table ? start.after : null;
    for (;;) {
      if (stopped()) return false;
      // Physical order (a TID range scan): sequential reads, no index needed.
      const { rows } = await source.query<{ r: Row; c: string }>(
        `SELECT to_jsonb(t) AS r, t.ctid::text AS c FROM ${qualified(schema, table)} t
         WHERE t.ctid > $1::tid ORDER BY t.ctid LIMIT $2`,
        [after ?? '(0,0)', limit],
      );
      if (rows.length === 0) break;
      await applier.apply([{ table, rows: rows.map((r) => r.r) }]);
      after = rows[rows.length - 1].c;
      await save({ table: t, after });
      if (rows.length < limit) break;
    }
  }
  return true;
}
