import type {
  ActionPatch,
  ActionRow,
  ActionStatus,
  ActionStore,
  HealingListQuery,
  Page,
  SqlClient,
} from '../../ports/index.js';
import { listPage, ms, S, ts } from './sql-query.js';

const COLS = `id, idempotency_key, pipeline_id, execution_id, stage_id, action, params, runbook, status, reason,
  trigger_kind, trigger_id, executor, attempts, result, verification, decided, ${ms('created_at')}, ${ms('updated_at')}`;

/** Columns a patch may set, with how their value is passed. */
const PATCHABLE: Record<keyof ActionPatch, (v: unknown) => unknown> = {
  status: (v) => v,
  reason: (v) => v,
  executor: (v) => v,
  attempts: (v) => v,
  result: (v) => (v === null ? null : JSON.stringify(v)),
  verification: (v) => (v === null ? null : JSON.stringify(v)),
};
const JSON_COLS = new Set(['result', 'verification']);

/** Remediation actions in the service's schema; the idempotency key is unique. */
export class SqlActionStore implements ActionStore {
  constructor(private readonly sql: SqlClient) {}

  async claim(row: ActionRow): Promise<{ inserted: boolean; row: ActionRow }> {
    const inserted = await this.sql.query<ActionRow>(
      `INSERT INTO ${S}.healing_actions (id, idempotency_key, pipeline_id, execution_id, stage_id, action, params,
         runbook, status, reason, trigger_kind, trigger_id, executor, attempts, result, verification, decided, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16::jsonb, $17::jsonb, ${ts(18)}, ${ts(19)})
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING ${COLS}`,
      [
        row.id,
        row.idempotency_key,
        row.pipeline_id,
        row.execution_id,
        row.stage_id,
        row.action,
        JSON.stringify(row.params),
        row.runbook,
        row.status,
        row.reason,
        row.trigger_kind,
        row.trigger_id,
        row.executor,
        row.attempts,
        row.result === null ? null : JSON.stringify(row.result),
        row.verification === null ? null : JSON.stringify(row.verification),
        row.decided === null ? null : JSON.stringify(row.decided),
        row.created_at,
        row.updated_at,
      ],
    );
    if (inserted.rows.length > 0) return { inserted: true, row: inserted.rows[0] };
    const existing = await this.sql.query<ActionRow>(
      `SELECT ${COLS} FROM ${S}.healing_actions WHERE idempotency_key = $1`,
      [row.idempotency_key],
    );
    return { inserted: false, row: existing.rows[0] };
  }

  async transition(
    id: string,
    from: readonly ActionStatus[],
    patch: ActionPatch,
    nowMs: number,
  ): Promise<ActionRow | null> {
    const params: unknown[] = [id, [...from], nowMs];
    const sets = [`updated_at = ${ts(3)}`];
    for (const [key, encode] of Object.entries(PATCHABLE) as [keyof ActionPatch, (v: unknown) => unknown][]) {
      if (patch[key] === undefined) continue;
      params.push(encode(patch[key]));
      sets.push(`${key} = $${params.length}${JSON_COLS.has(key) ? '::jsonb' : ''}`);
    }
    const r = await this.sql.query<ActionRow>(
      `UPDATE ${S}.healing_actions SET ${sets.join(', ')} WHERE id = $1 AND status = ANY($2::text[]) RETURNING ${COLS}`,
      params,
    );
    return r.rows[0] ?? null;
  }

  async get(id: string): Promise<ActionRow | null> {
    const r = await this.sql.query<ActionRow>(`SELECT ${COLS} FROM ${S}.healing_actions WHERE id = $1`, [id]);
    return r.rows[0] ?? null;
  }

  list(q: HealingListQuery): Promise<Page<ActionRow>> {
    return listPage<ActionRow>(this.sql, 'healing_actions', COLS, 'created_at', 'id', q);
  }

  async withStatus(statuses: readonly ActionStatus[]): Promise<ActionRow[]> {
    const r = await this.sql.query<ActionRow>(
      `SELECT ${COLS} FROM ${S}.healing_actions WHERE status = ANY($1::text[]) ORDER BY created_at, id`,
      [[...statuses]],
    );
    return r.rows;
  }
}
