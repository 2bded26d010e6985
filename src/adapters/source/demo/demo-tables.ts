import { readFile } from 'node:fs/promises';
import type { SqlClient } from '../../../ports/index.js';
import { qualified, quoteIdent } from '../tables.js';

/** The tables the demo fleet writes, with the columns it fills (logs and metrics leave id to the database). */
const TABLES = ['pipelines', 'pipeline_stages', 'executions', 'execution_stages', 'logs', 'metrics'] as const;
type DemoTable = (typeof TABLES)[number];
const UPSERTED: ReadonlySet<DemoTable> = new Set([
  'pipelines',
  'pipeline_stages',
  'executions',
  'execution_stages',
]);

/** Rows per table as the demo fleet emits them (FlexiRoaster column names). */
export type DemoRows = Readonly<Record<DemoTable, readonly object[]>>;

/**
 * Creates the FlexiRoaster tables in the demo's own schema of the embedded database (once), so the
 * demo fleet can write rows there and the change consumer read them like a real source.
 */
export async function ensureDemoSchema(sql: SqlClient, schema: string): Promise<void> {
  const { rows } = await sql.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (rows.length > 0) return;
  const ddl = (await readFile(new URL('./flexiroaster_schema.sql', import.meta.url), 'utf8'))
    .replace(/^--.*$/gm, '')
    .replace(/CREATE SCHEMA IF NOT EXISTS auth;/, '')
    .replace(/\bauth\.users\b/g, `${quoteIdent(schema)}.users`)
    .replace(/\bpublic\./g, `${quoteIdent(schema)}.`);
  await sql.transaction(async (tx) => {
    await tx.exec(`CREATE SCHEMA ${quoteIdent(schema)}; ${ddl}`);
  });
}

/** Writes one advance of the demo fleet: rows with an id are upserts (the last state in the batch wins). */
export async function writeDemoRows(sql: SqlClient, schema: string, rows: DemoRows): Promise<void> {
  await sql.transaction(async (tx) => {
    for (const table of TABLES) {
      const all = rows[table] as readonly Record<string, unknown>[];
      const list = UPSERTED.has(table) ? lastPerId(all) : all;
      if (list.length === 0) continue;
      const columns = Object.keys(list[0]).filter((c) => c !== 'id' || UPSERTED.has(table));
      const cols = columns.map(quoteIdent).join(', ');
      const target = qualified(schema, table);
      const update = columns
        .filter((c) => c !== 'id')
        .map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`)
        .join(', ');
      await tx.query(
        `INSERT INTO ${target} (${cols}) SELECT ${cols} FROM jsonb_populate_recordset(NULL::${target}, $1::jsonb)` +
          (UPSERTED.has(table) ? ` ON CONFLICT (id) DO UPDATE SET ${update}` : ''),
        [JSON.stringify(list)],
      );
    }
  });
}

/**
 * Deletes demo rows older than `beforeMs` so the demo tables (and each poll) stay small: the written
 * back insights and resolved alerts too, and the executions the newer insights still name are
 * unlinked first (the foreign key has no cascade).
 */
export async function pruneDemoRows(sql: SqlClient, schema: string, beforeMs: number): Promise<void> {
  const at = 'to_timestamp($1::float8 / 1000)';
  const executions = qualified(schema, 'executions');
  await sql.transaction(async (tx) => {
    await tx.query(`DELETE FROM ${qualified(schema, 'logs')} WHERE created_at < ${at}`, [beforeMs]);
    await tx.query(`DELETE FROM ${qualified(schema, 'metrics')} WHERE created_at < ${at}`, [beforeMs]);
    await tx.query(`DELETE FROM ${qualified(schema, 'ai_insights')} WHERE created_at < ${at}`, [beforeMs]);
    await tx.query(
      `DELETE FROM ${qualified(schema, 'alerts')} WHERE status = 'resolved' AND created_at < ${at}`,
      [beforeMs],
    );
    for (const table of ['ai_insights', 'alerts'])
      await tx.query(
        `UPDATE ${qualified(schema, table)} SET execution_id = NULL
         WHERE execution_id IN (SELECT id FROM ${executions} WHERE created_at < ${at})`,
        [beforeMs],
      );
    await tx.query(`DELETE FROM ${executions} WHERE created_at < ${at}`, [beforeMs]);
  });
}

function lastPerId(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return [...new Map(rows.map((r) => [r.id, r])).values()];
}
