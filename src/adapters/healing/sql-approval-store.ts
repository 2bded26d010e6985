import type { ApprovalRow, ApprovalStore, HealingListQuery, Page, SqlClient } from '../../ports/index.js';
import { listPage, ms, S, ts } from './sql-query.js';

const COLS = `id, action_id, pipeline_id, action, status, reason, ${ms('requested_at')}, ${ms('expires_at')},
  ${ms('decided_at')}, decided_by`;

/** Approvals of risky actions; a decision only lands on a pending approval that has not expired. */
export class SqlApprovalStore implements ApprovalStore {
  constructor(private readonly sql: SqlClient) {}

  async create(row: ApprovalRow): Promise<void> {
    await this.sql.query(
      `INSERT INTO ${S}.healing_approvals (id, action_id, pipeline_id, action, status, reason, requested_at, expires_at,
         decided_at, decided_by)
       VALUES ($1, $2, $3, $4, $5, $6, ${ts(7)}, ${ts(8)}, ${ts(9)}, $10)`,
      [
        row.id,
        row.action_id,
        row.pipeline_id,
        row.action,
        row.status,
        row.reason,
        row.requested_at,
        row.expires_at,
        row.decided_at,
        row.decided_by,
      ],
    );
  }

  async get(id: string): Promise<ApprovalRow | null> {
    const r = await this.sql.query<ApprovalRow>(`SELECT ${COLS} FROM ${S}.healing_approvals WHERE id = $1`, [
      id,
    ]);
    return r.rows[0] ?? null;
  }

  async decide(
    id: string,
    decision: 'approved' | 'rejected',
    by: string | null,
    nowMs: number,
  ): Promise<ApprovalRow | null> {
    const r = await this.sql.query<ApprovalRow>(
      `UPDATE ${S}.healing_approvals SET status = $2, decided_at = ${ts(3)}, decided_by = $4
       WHERE id = $1 AND status = 'pending' AND expires_at > ${ts(3)}
       RETURNING ${COLS}`,
      [id, decision, nowMs, by],
    );
    return r.rows[0] ?? null;
  }

  async expire(nowMs: number): Promise<ApprovalRow[]> {
    const r = await this.sql.query<ApprovalRow>(
      `UPDATE ${S}.healing_approvals SET status = 'expired', decided_at = ${ts(1)}
       WHERE status = 'pending' AND expires_at <= ${ts(1)}
       RETURNING ${COLS}`,
      [nowMs],
    );
    return r.rows;
  }

  list(q: HealingListQuery): Promise<Page<ApprovalRow>> {
    return listPage<ApprovalRow>(this.sql, 'healing_approvals', COLS, 'requested_at', 'id', q);
  }
}
