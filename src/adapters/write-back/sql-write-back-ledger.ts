import type {
  IncidentAlertState,
  IncidentRow,
  InsightOutcome,
  PendingInsight,
  SqlClient,
  WriteBackLedger,
} from '../../ports/index.js';

const S = 'flexiroaster_ai';
const ms = (col: string, as = col) => `(extract(epoch from ${col}) * 1000)::float8 AS ${as}`;
// The content version of an insight: its creation time to the microsecond (a replacement sets a new one).
// The version of an insight: its creation time to the microsecond (a replacement sets a new one) and
// whether it is dismissed.
const stamp = (t: string) =>
  `((extract(epoch from ${t}created_at) * 1000000)::bigint)::text || ${t}dismissed::text`;
const INCIDENT_COLS = `i.id, i.pipeline_id, i.kind, i.status, ${ms('i.opened_at', 'opened_at')},
  ${ms('i.last_seen_at', 'last_seen_at')}, ${ms('i.resolved_at', 'resolved_at')}, i.anomaly_count, i.max_score, i.title`;

/** What was written back, in the service's own schema (insights' columns and `incident_alerts`). */
export class SqlWriteBackLedger implements WriteBackLedger {
  constructor(private readonly sql: SqlClient) {}

  async pendingInsights(limit: number): Promise<PendingInsight[]> {
    const { rows } = await this.sql.query<PendingInsight>(
      `SELECT id, insight_type, source, source_id, pipeline_id, execution_id, severity, title, description,
         recommendation, confidence::float8 AS confidence, metadata, ${ms('created_at')}, ${stamp('')} AS stamp, dismissed
       FROM ${S}.insights WHERE written_back_at IS NULL
       ORDER BY created_at, id LIMIT $1`,
      [limit],
    );
    return rows;
  }

  async markInsights(outcomes: readonly InsightOutcome[], atMs: number): Promise<void> {
    if (outcomes.length === 0) return;
    await this.sql.query(
      `UPDATE ${S}.insights i SET written_back_at = to_timestamp($2::float8 / 1000), write_back_outcome = x.outcome
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, stamp text, outcome text)
       WHERE i.id = x.id AND ${stamp('i.')} = x.stamp`,
      [JSON.stringify(outcomes), atMs],
    );
  }

  async incidentsWithoutAlert(limit: number): Promise<IncidentRow[]> {
    const { rows } = await this.sql.query<IncidentRow>(
      `SELECT ${INCIDENT_COLS} FROM ${S}.incidents i
       WHERE NOT EXISTS (SELECT 1 FROM ${S}.incident_alerts a WHERE a.incident_id = i.id)
       ORDER BY i.opened_at, i.id LIMIT $1`,
      [limit],
    );
    return rows;
  }

  async resolvedWithOpenAlert(limit: number): Promise<IncidentRow[]> {
    const { rows } = await this.sql.query<IncidentRow>(
      `SELECT ${INCIDENT_COLS} FROM ${S}.incident_alerts a JOIN ${S}.incidents i ON i.id = a.incident_id
       WHERE a.status = 'open' AND i.status = 'resolved'
       ORDER BY i.resolved_at, i.id LIMIT $1`,
      [limit],
    );
    return rows;
  }

  async markAlerts(states: readonly IncidentAlertState[], atMs: number): Promise<void> {
    if (states.length === 0) return;
    await this.sql.query(
      `INSERT INTO ${S}.incident_alerts (incident_id, pipeline_id, kind, status, reason, updated_at)
       SELECT incident_id, pipeline_id, kind, status, reason, to_timestamp($2::float8 / 1000)
       FROM jsonb_to_recordset($1::jsonb) AS x(incident_id text, pipeline_id text, kind text, status text, reason text)
       ON CONFLICT (incident_id) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason,
         updated_at = EXCLUDED.updated_at`,
      [JSON.stringify(states), atMs],
    );
  }

  async writtenInsights(limit: number): Promise<string[]> {
    const { rows } = await this.sql.query<{ id: string }>(
      `SELECT id FROM ${S}.insights WHERE write_back_outcome = 'written' AND NOT dismissed
       ORDER BY created_at DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  async dismiss(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.sql.query(
      `UPDATE ${S}.insights SET dismissed = true, write_back_outcome = 'dismissed' WHERE id = ANY($1::text[])`,
      [ids],
    );
  }
}
