import { SOURCE_TABLES, type Row } from '../../ingest/index.js';
import type { SqlClient } from '../../ports/index.js';
import type { RowApplier } from './apply-rows.js';
import { blockParams, blockRange, qualified, readBlockRanges, relationBlocks } from './tables.js';

/**
 * How far an initial copy got: the table index and the next block to read in it. Rows updated
 * meanwhile may move; their new versions arrive as changes anyway.
 */
export interface CopyPosition {
  table: number;
  after: string | null;
}

/**
 * Copies every row of the FlexiRoaster tables in block ranges (the backlog from before the slot or
 * the triggers existed), saving its position after each durable range so a restart resumes the copy.
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
    if (stopped()) return false;
    const table = SOURCE_TABLES[t];
    const after = t === start.table ? start.after : null;
    await readBlockRanges({
      start: after === null ? 0 : Number(after),
      end: await relationBlocks(source, schema, table),
      targetRows: limit,
      fetch: async (from, to) =>
        (
          await source.query<{ r: Row }>(
            `SELECT to_jsonb(t) AS r FROM ${qualified(schema, table)} t WHERE ${blockRange(1)}`,
            blockParams(from, to),
          )
        ).rows.map((r) => r.r),
      handle: async (rows, to) => {
        if (rows.length > 0) await applier.apply([{ table, rows }]);
        await save({ table: t, after: String(to) });
      },
      stopped,
    });
    if (stopped()) return false;
  }
  return true;
}
