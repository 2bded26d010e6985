import type { HealingListQuery, Page, SqlClient } from '../../ports/index.js';

/** The service's schema. */
export const S = 'flexiroaster_ai';
/** A timestamptz column read as epoch ms. */
export const ms = (col: string) => `(extract(epoch from ${col}) * 1000)::float8 AS ${col}`;
/** Parameter `i` (epoch ms) as a timestamptz. */
export const ts = (i: number) => `to_timestamp($${i}::float8 / 1000)`;

/** WHERE clause of a healing list: time on `timeCol`, pipeline, action, status. */
export function listWhere(q: HealingListQuery, timeCol: string): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (cond: (i: number) => string, value: unknown) => {
    params.push(value);
    parts.push(cond(params.length));
  };
  if (q.since !== undefined) add((i) => `${timeCol} >= ${ts(i)}`, q.since);
  if (q.until !== undefined) add((i) => `${timeCol} < ${ts(i)}`, q.until);
  if (q.pipeline_id !== undefined) add((i) => `pipeline_id = $${i}`, q.pipeline_id);
  if (q.action !== undefined) add((i) => `action = $${i}`, q.action);
  if (q.status !== undefined) add((i) => `status = $${i}`, q.status);
  return { sql: parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`, params };
}

/** One page of `table`, newest first by `timeCol` (ties by `tieCol`), and the count of all matches. */
export async function listPage<R extends Record<string, unknown>>(
  sql: SqlClient,
  table: string,
  cols: string,
  timeCol: string,
  tieCol: string,
  q: HealingListQuery,
): Promise<Page<R>> {
  const w = listWhere(q, timeCol);
  const n = w.params.length;
  const [items, total] = await Promise.all([
    sql.query<R>(
      `SELECT ${cols} FROM ${S}.${table} ${w.sql} ORDER BY ${timeCol} DESC, ${tieCol} DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...w.params, q.limit, q.offset],
    ),
    sql.query<{ total: number }>(`SELECT count(*)::int AS total FROM ${S}.${table} ${w.sql}`, w.params),
  ]);
  return { items: items.rows, total: total.rows[0]?.total ?? 0 };
}
