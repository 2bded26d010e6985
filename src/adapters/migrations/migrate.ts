import { readdir, readFile } from 'node:fs/promises';
import type { SqlClient } from '../../ports/index.js';
import { AppError } from '../../shared/index.js';
import { sqlStateOf } from '../sql/sql-error.js';

/** The service's own schema; the FlexiRoaster tables are never touched by migrations. */
export const SCHEMA = 'flexiroaster_ai';

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export interface MigrationReport {
  /** Migrations this call applied, in order. */
  applied: string[];
  /** Migrations that were already in place. */
  skipped: number;
}

const FILE_PATTERN = /^(\d{3})_([a-z0-9_]+)\.sql$/;
// One key for every process of the service sharing a server: two starting at once take turns.
const LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext('${SCHEMA}.migrations'))`;
const BOOTSTRAP_SQL = `
  CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
  CREATE TABLE IF NOT EXISTS ${SCHEMA}.migrations (
    id integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  );`;

/** Reads the numbered `.sql` files shipped next to this module (in src and in dist alike). */
export async function loadMigrations(dir: URL = new URL('.', import.meta.url)): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_PATTERN.exec(file);
    if (match === null)
      throw new AppError('CONFIG_INVALID', `migration file name ${file} is not NNN_name.sql`);
    const id = Number(match[1]);
    if (migrations.at(-1)?.id === id) throw new AppError('CONFIG_INVALID', `two migrations numbered ${id}`);
    migrations.push({ id, name: file, sql: await readFile(new URL(file, dir), 'utf8') });
  }
  return migrations;
}

/**
 * Applies the migrations not yet recorded in `flexiroaster_ai.migrations`, in order, each in its own
 * transaction under an advisory lock; running it again (or in two processes at once) changes nothing.
 */
export async function migrate(
  sql: SqlClient,
  migrations: readonly Migration[] | null = null,
): Promise<MigrationReport> {
  const all = migrations ?? (await loadMigrations());
  // The usual start: every migration in place already, seen with one query (no lock, no DDL).
  const recorded = await recordedIds(sql);
  if (recorded !== null && all.every((m) => recorded.has(m.id))) {
    return { applied: [], skipped: all.length };
  }
  const done = await sql.transaction(async (tx) => {
    await tx.query(LOCK_SQL);
    await tx.exec(BOOTSTRAP_SQL);
    const rows = await tx.query<{ id: number }>(`SELECT id FROM ${SCHEMA}.migrations`);
    return new Set(rows.rows.map((r) => r.id));
  });
  const report: MigrationReport = { applied: [], skipped: 0 };
  for (const migration of all) {
    const applied = !done.has(migration.id) && (await applyOne(sql, migration));
    if (applied) report.applied.push(migration.name);
    else report.skipped++;
  }
  return report;
}

/** The migrations recorded as applied; null before the first run made the table. */
async function recordedIds(sql: SqlClient): Promise<Set<number> | null> {
  try {
    const { rows } = await sql.query<{ id: number }>(`SELECT id FROM ${SCHEMA}.migrations`);
    return new Set(rows.map((r) => r.id));
  } catch (err) {
    // undefined_table, invalid_schema_name: a new database.
    if (['42P01', '3F000'].includes(sqlStateOf(err) ?? '')) return null;
    throw err;
  }
}

/** Applies one migration unless another process did it while this one waited for the lock. */
function applyOne(sql: SqlClient, migration: Migration): Promise<boolean> {
  return sql.transaction(async (tx) => {
    await tx.query(LOCK_SQL);
    const done = await tx.query(`SELECT 1 FROM ${SCHEMA}.migrations WHERE id = $1`, [migration.id]);
    if (done.rows.length > 0) return false;
    await tx.exec(migration.sql);
    await tx.query(`INSERT INTO ${SCHEMA}.migrations (id, name) VALUES ($1, $2)`, [
      migration.id,
      migration.name,
    ]);
    return true;
  });
}
