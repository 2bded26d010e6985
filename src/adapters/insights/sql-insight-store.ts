import type { InsightRow, InsightStore, Page, SqlClient, TimedPageQuery } from '../../ports/index.js';

const S = 'flexiroaster_ai';
const COLS = `id, insight_type, source, source_id, pipeline_id, execution_id, severity, title, description,
  recommendation, confidence::float8 AS confidence, metadata, (extract(epoch from created_at) * 1000)::float8 AS created_at`;

/** Insights of every type in the `insights` table (shared with the anomaly service, which also writes it). */
export class SqlInsightStore implements InsightStore {
  constructor(private readonly sql: SqlClient) {}

  async upsert(rows: readonly InsightRow[]): Promise<void> {
    if (rows.length === 0) return;
    const json = rows.map((r) => ({ ...r, confidence: Math.round(r.confidence * 100) / 100 }));
    // A replaced insight is new content: it is listed as new and written back again; a dismissal stays.
    await this.sql.query(
      `INSERT INTO ${S}.insights (id, insight_type, source, source_id, pipeline_id, execution_id, severity, title,
         description, recommendation, confidence, metadata, created_at)
       SELECT id, insight_type, source, source_id, pipeline_id, execution_id, severity, title, description,
         recommendation, confidence, metadata, to_timestamp(created_at / 1000)
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, insight_type text, source text, source_id text,
         pipeline_id text, execution_id text, severity text, title text, description text, recommendation text,
         confidence numeric, metadata jsonb, created_at float8)
       ON CONFLICT (source, source_id) DO UPDATE SET severity = EXCLUDED.severity, title = EXCLUDED.title,
         description = EXCLUDED.description, recommendation = EXCLUDED.recommendation,
         confidence = EXCLUDED.confidence, metadata = EXCLUDED.metadata, created_at = EXCLUDED.created_at,
         written_back_at = NULL`,
      [JSON.stringify(json)],
    );
  }

  async list(q: TimedPageQuery): Promise<Page<InsightRow>> {
    const params: unknown[] = [];
    let where = 'WHERE NOT dismissed';
    const and = (condition: (i: number) => string, value: unknown) => {
      params.push(value);
      where += ` AND ${condition(params.length)}`;
    };
    if (q.pipeline_id !== undefined) and((i) => `pipeline_id = $${i}`, q.pipeline_id);
    if (q.since !== undefined) and((i) => `created_at >= to_timestamp($${i}::float8 / 1000)`, q.since);
    if (q.until !== undefined) and((i) => `created_at < to_timestamp($${i}::float8 / 1000)`, q.until);
    const total = await this.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${S}.insights ${where}`,
      params,
    );
    const page = await this.sql.query<InsightRow>(
      `SELECT ${COLS} FROM ${S}.insights ${where} ORDER BY created_at DESC, id
       LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.limit, q.offset],
    );
    return { items: page.rows, total: total.rows[0]?.n ?? 0 };
  }

  async dismiss(id: string): Promise<boolean> {
    const { rows } = await this.sql.query(
      // Pending again for write-back, which carries the dismissal to FlexiRoaster's row (if it wrote one).
      `UPDATE ${S}.insights SET dismissed = true, written_back_at = NULL WHERE id = $1 RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }
}
