import type { AuditEntry, AuditStore, HealingListQuery, Page, SqlClient } from '../../ports/index.js';
import { listPage, ms, S } from './sql-query.js';

const COLS = `id, ${ms('at')}, kind, pipeline_id, action_id, action, status, runbook, detail`;

/** The append-only audit log (a trigger refuses updates; only retention deletes). */
export class SqlAuditStore implements AuditStore {
  constructor(private readonly sql: SqlClient) {}

  async append(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // In order: the identity column keeps the order of records written at the same instant.
    await this.sql.query(
      `INSERT INTO ${S}.healing_audit (id, at, kind, pipeline_id, action_id, action, status, runbook, detail)
       SELECT v->>'id', to_timestamp((v->>'at')::float8 / 1000), v->>'kind', v->>'pipeline_id', v->>'action_id',
         v->>'action', v->>'status', v->>'runbook', v->'detail'
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, n)
       ORDER BY n`,
      [JSON.stringify(entries)],
    );
  }

  list(q: HealingListQuery): Promise<Page<AuditEntry>> {
    return listPage<AuditEntry>(this.sql, 'healing_audit', COLS, 'at', 'seq', q);
  }

  async prune(beforeMs: number): Promise<number> {
    const r = await this.sql.query<{ n: number }>(
      `WITH gone AS (DELETE FROM ${S}.healing_audit WHERE at < to_timestamp($1::float8 / 1000) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [beforeMs],
    );
    return r.rows[0]?.n ?? 0;
  }
}
