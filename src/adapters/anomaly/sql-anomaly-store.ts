import type {
  AnomalyListQuery,
  AnomalyRow,
  AnomalyStore,
  FeedbackRow,
  IncidentRow,
  InsightRow,
  Page,
  SqlClient,
} from '../../ports/index.js';
import { saveFindings } from './save-findings.js';

const S = 'flexiroaster_ai';
const ms = (col: string) => `(extract(epoch from ${col}) * 1000)::float8 AS ${col}`;
const ts = (i: number) => `to_timestamp($${i}::float8 / 1000)`;

const ANOMALY_COLS = `id, kind, pipeline_id, execution_id, metric, ${ms('detected_at')}, score, reasons, algorithm,
  model_version, contributions, inputs, incident_id`;
const INCIDENT_COLS = `id, pipeline_id, kind, status, ${ms('opened_at')}, ${ms('last_seen_at')}, ${ms('resolved_at')},
  anomaly_count, max_score, title`;

/** Builds the WHERE clause of a list query on `timeCol` and `scoreCol`. */
function where(q: AnomalyListQuery, timeCol: string, scoreCol: string): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (cond: (i: number) => string, value: unknown) => {
    params.push(value);
    parts.push(cond(params.length));
  };
  if (q.since !== undefined) add((i) => `${timeCol} >= ${ts(i)}`, q.since);
  if (q.until !== undefined) add((i) => `${timeCol} < ${ts(i)}`, q.until);
  if (q.pipeline_id !== undefined) add((i) => `pipeline_id = $${i}`, q.pipeline_id);
  if (q.kind !== undefined) add((i) => `kind = $${i}`, q.kind);
  if (q.min_score !== undefined) add((i) => `${scoreCol} >= $${i}`, q.min_score);
  return { sql: parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`, params };
}

/** Anomalies, incidents, their insights and feedback in the service's schema. */
export class SqlAnomalyStore implements AnomalyStore {
  constructor(private readonly sql: SqlClient) {}

  async save(batch: {
    anomalies: AnomalyRow[];
    incidents: IncidentRow[];
    insights: InsightRow[];
  }): Promise<void> {
    if (batch.anomalies.length + batch.incidents.length + batch.insights.length === 0) return;
    await saveFindings(this.sql, batch);
  }

  async listAnomalies(q: AnomalyListQuery): Promise<Page<AnomalyRow>> {
    return this.page<AnomalyRow>('anomalies', ANOMALY_COLS, 'detected_at', 'score', q);
  }

  async listIncidents(q: AnomalyListQuery): Promise<Page<IncidentRow>> {
    return this.page<IncidentRow>('incidents', INCIDENT_COLS, 'opened_at', 'max_score', q);
  }

  async openIncidents(): Promise<IncidentRow[]> {
    const r = await this.sql.query<IncidentRow>(
      `SELECT ${INCIDENT_COLS} FROM ${S}.incidents WHERE status = 'open'`,
    );
    return r.rows;
  }

  async getAnomaly(id: string): Promise<AnomalyRow | null> {
    const r = await this.sql.query<AnomalyRow>(`SELECT ${ANOMALY_COLS} FROM ${S}.anomalies WHERE id = $1`, [
      id,
    ]);
    return r.rows[0] ?? null;
  }

  async addFeedback(f: FeedbackRow): Promise<void> {
    await this.sql.query(
      `INSERT INTO ${S}.anomaly_feedback (id, anomaly_id, label, note, created_at) VALUES ($1, $2, $3, $4, ${ts(5)})`,
      [f.id, f.anomaly_id, f.label, f.note, f.created_at],
    );
  }

  async listFeedback(limit: number): Promise<FeedbackRow[]> {
    const r = await this.sql.query<FeedbackRow>(
      `SELECT id, anomaly_id, label, note, ${ms('created_at')} FROM ${S}.anomaly_feedback ORDER BY created_at DESC, id LIMIT $1`,
      [limit],
    );
    return r.rows;
  }

  async executionLabels(): Promise<
    { pipeline_id: string; execution_id: string; label: FeedbackRow['label'] }[]
  > {
    const r = await this.sql.query<{
      pipeline_id: string;
      execution_id: string;
      label: FeedbackRow['label'];
    }>(
      `SELECT DISTINCT ON (a.pipeline_id, a.execution_id) a.pipeline_id, a.execution_id, f.label
       FROM ${S}.anomaly_feedback f JOIN ${S}.anomalies a ON a.id = f.anomaly_id
       WHERE a.execution_id IS NOT NULL
       ORDER BY a.pipeline_id, a.execution_id, f.created_at DESC, f.id DESC`,
    );
    return r.rows;
  }

  private async page<R extends Record<string, unknown>>(
    table: string,
    cols: string,
    timeCol: string,
    scoreCol: string,
    q: AnomalyListQuery,
  ): Promise<Page<R>> {
    const w = where(q, timeCol, scoreCol);
    const n = w.params.length;
    const [items, total] = await Promise.all([
      this.sql.query<R>(
        `SELECT ${cols} FROM ${S}.${table} ${w.sql} ORDER BY ${timeCol} DESC, id LIMIT $${n + 1} OFFSET $${n + 2}`,
        [...w.params, q.limit, q.offset],
      ),
      this.sql.query<{ total: number }>(
        `SELECT count(*)::int AS total FROM ${S}.${table} ${w.sql}`,
        w.params,
      ),
    ]);
    return { items: items.rows, total: total.rows[0]?.total ?? 0 };
  }
}
