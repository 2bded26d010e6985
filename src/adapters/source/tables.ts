import type { SqlClient } from '../../ports/index.js';

/** `"schema"."table"`, quoted so any schema name is safe. */
export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** Quotes an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Reads `pipeline_stages` rows by id (the applier's cache-miss lookup). */
export function fetchStagesSql(schema: string): string {
  return `SELECT to_jsonb(t) AS r FROM ${qualified(schema, 'pipeline_stages')} t WHERE t.id::text = ANY($1::text[])`;
}

/** Number of blocks (pages) of a table now: a round reads block ranges up to it. */
export async function relationBlocks(sql: SqlClient, schema: string, table: string): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    `SELECT (pg_relation_size($1::regclass) / current_setting('block_size')::int)::int AS n`,
    [qualified(schema, table)],
  );
  return rows[0].n;
}

/** How a table is read in block ranges. */
export interface BlockRangeReader<R> {
  /** First block to read and the end (exclusive). */
  start: number;
  end: number;
  /** Rows wanted per range; the span adapts to the rows per block seen. */
  targetRows: number;
  fetch(from: number, to: number): Promise<R[]>;
  /** Makes a range's rows durable; `to` is where the next range starts. */
  handle(rows: R[], to: number): Promise<void>;
  stopped(): boolean;
}

/**
 * Reads a table in block ranges (a TID range scan each: sequential reads, no sort, no index), the
 * next range fetched while the last is handled, so the source and the store work at once.
 */
export async function readBlockRanges<R>(r: BlockRangeReader<R>): Promise<void> {
  let span = 16;
  const fetchFrom = (from: number) => {
    const to = Math.min(r.end, from + span);
    return r.fetch(from, to).then((rows) => ({ rows, from, to }));
  };
  let next = r.start < r.end ? fetchFrom(r.start) : null;
  while (next !== null) {
    const { rows, from, to } = await next;
    const perBlock = rows.length / (to - from);
    span =
      perBlock > 0
        ? Math.max(1, Math.min(8192, Math.round(r.targetRows / perBlock)))
        : Math.min(8192, span * 2);
    const pending = to < r.end && !r.stopped() ? fetchFrom(to) : null;
    next = pending;
    try {
      await r.handle(rows, to);
    } catch (err) {
      await pending?.catch(() => undefined);
      throw err;
    }
  }
}

/** `ctid` bounds of blocks [from, to) as SQL conditions on `t` ($n and $n+1 are the two tids). */
export function blockRange(n: number): string {
  return `t.ctid >= $${n}::tid AND t.ctid < $${n + 1}::tid`;
}

/** The two tid parameters for blocks [from, to). */
export function blockParams(from: number, to: number): [string, string] {
  return [`(${from},0)`, `(${to},0)`];
}
