import type {
  EncodedPredictionRow,
  EncodedPredictionRows,
  ModelKind,
  Page,
  PredictionListQuery,
  PredictionRow,
  PredictionStore,
  RunOutcome,
  RunStart,
  ScoredOutcome,
  SqlClient,
} from '../../ports/index.js';

const S = 'flexiroaster_ai';
const ms = (col: string) => `(extract(epoch from ${col}) * 1000)::float8`;
const COLS = `id, kind, pipeline_id, execution_id, model_version, model_type, shadow, failure_probability,
  features, stage_risks, top_risk_factors, duration_model_version, duration_forecast, timeout_seconds,
  ${ms('predicted_at')} AS predicted_at, ${ms('planned_at')} AS planned_at, outcome::int AS outcome,
  ${ms('outcome_at')} AS outcome_at, actual_duration_seconds`;

/**
 * Predictions in the `predictions` table (migration 006); outcomes joined as runs finish. A write's
 * rows go in as INSERTs of at most `rowsPerStatement` rows each, within its one transaction: the
 * transaction's fixed cost is paid once, while each statement's JSON array text (the rows' encodings
 * joined) is made in a short step.
 */
export class SqlPredictionStore implements PredictionStore {
  constructor(
    private readonly sql: SqlClient,
    private readonly rowsPerStatement = 200,
  ) {}

  /** The row's JSON text: the element of the JSON array that `write`'s INSERT reads its rows from. */
  encode(row: PredictionRow): EncodedPredictionRow {
    return JSON.stringify(row) as EncodedPredictionRow;
  }

  async write(batch: {
    rows: EncodedPredictionRows;
    starts: readonly RunStart[];
    outcomes: readonly RunOutcome[];
  }): Promise<void> {
    const { rows } = batch;
    if (rows.count + batch.starts.length + batch.outcomes.length === 0) return;
    await this.sql.transaction(async (tx) => {
      for (let i = 0; i < rows.count; i += this.rowsPerStatement)
        await insertRows(tx, `[${rows.joined(i, Math.min(rows.count, i + this.rowsPerStatement))}]`);
      if (batch.starts.length > 0) {
        await tx.query(
          `UPDATE ${S}.predictions p SET execution_id = x.execution_id
           FROM jsonb_to_recordset($1::jsonb) AS x(pipeline_id text, execution_id text, "from" float8, "to" float8)
           WHERE p.kind = 'preflight' AND p.execution_id IS NULL AND p.pipeline_id = x.pipeline_id
             AND p.planned_at BETWEEN to_timestamp(x."from" / 1000) AND to_timestamp(x."to" / 1000)`,
          [JSON.stringify(batch.starts)],
        );
      }
      if (batch.outcomes.length > 0) {
        await tx.query(
          `UPDATE ${S}.predictions p SET outcome = CASE WHEN x.failed THEN 1 ELSE 0 END,
             outcome_at = to_timestamp(x.completed_at / 1000), actual_duration_seconds = x.duration_seconds
           FROM jsonb_to_recordset($1::jsonb) AS x(pipeline_id text, execution_id text, failed boolean,
             completed_at float8, duration_seconds float8)
           WHERE p.execution_id = x.execution_id AND p.pipeline_id = x.pipeline_id`,
          [JSON.stringify(batch.outcomes)],
        );
      }
    });
  }

  async list(q: PredictionListQuery): Promise<Page<PredictionRow>> {
    const params: unknown[] = [];
    const where: string[] = [];
    const and = (condition: (i: number) => string, value: unknown) => {
      params.push(value);
      where.push(condition(params.length));
    };
    if (q.pipeline_id !== undefined) and((i) => `pipeline_id = $${i}`, q.pipeline_id);
    if (q.since !== undefined) and((i) => `predicted_at >= to_timestamp($${i}::float8 / 1000)`, q.since);
    if (q.until !== undefined) and((i) => `predicted_at < to_timestamp($${i}::float8 / 1000)`, q.until);
    if (q.kind !== undefined) and((i) => `kind = $${i}`, q.kind);
    if (q.model_version !== undefined) and((i) => `model_version = $${i}`, q.model_version);
    if (q.execution_id !== undefined) and((i) => `execution_id = $${i}`, q.execution_id);
    if (q.shadow !== undefined) and((i) => `shadow = $${i}`, q.shadow);
    if (q.has_outcome !== undefined) where.push(q.has_outcome ? 'outcome IS NOT NULL' : 'outcome IS NULL');
    const filter = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
    const total = await this.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${S}.predictions ${filter}`,
      params,
    );
    const page = await this.sql.query<PredictionRow & Record<string, unknown>>(
      `SELECT ${COLS} FROM ${S}.predictions ${filter} ORDER BY predicted_at DESC, id
       LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.limit, q.offset],
    );
    return { items: page.rows, total: total.rows[0]?.n ?? 0 };
  }

  /**
   * Failure predictions: the probability against whether the run failed. Duration forecasts: the
   * timeout-breach probability against whether the run took longer than its timeout.
   */
  async scoredOutcomes(kind: ModelKind, modelVersions: string[], since: number): Promise<ScoredOutcome[]> {
    if (modelVersions.length === 0 || kind === 'anomaly') return [];
    const sql =
      kind === 'prediction'
        ? `SELECT model_version, failure_probability AS score, outcome::int AS label, ${ms('predicted_at')} AS at
           FROM ${S}.predictions
           WHERE model_version = ANY($1::text[]) AND outcome IS NOT NULL AND predicted_at >= to_timestamp($2::float8 / 1000)`
        : `SELECT duration_model_version AS model_version,
             (duration_forecast->>'timeout_breach_probability')::float8 AS score,
             CASE WHEN actual_duration_seconds > timeout_seconds THEN 1 ELSE 0 END AS label, ${ms('predicted_at')} AS at
           FROM ${S}.predictions
           WHERE duration_model_version = ANY($1::text[]) AND actual_duration_seconds IS NOT NULL
             AND timeout_seconds IS NOT NULL AND duration_forecast->>'timeout_breach_probability' IS NOT NULL
             AND predicted_at >= to_timestamp($2::float8 / 1000)`;
    const { rows } = await this.sql.query<ScoredOutcome & Record<string, unknown>>(sql, [
      modelVersions,
      since,
    ]);
    return rows;
  }
}

/** Inserts the rows of a JSON array text (encodings joined). */
async function insertRows(tx: SqlClient, jsonArray: string): Promise<void> {
  await tx.query(
    `INSERT INTO ${S}.predictions (id, kind, pipeline_id, execution_id, model_version, model_type, shadow,
       failure_probability, features, stage_risks, top_risk_factors, duration_model_version, duration_forecast,
       timeout_seconds, predicted_at, planned_at)
     SELECT id, kind, pipeline_id, execution_id, model_version, model_type, shadow, failure_probability,
       features, stage_risks, top_risk_factors, duration_model_version, duration_forecast, timeout_seconds,
       to_timestamp(predicted_at / 1000), to_timestamp(planned_at / 1000)
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, kind text, pipeline_id text, execution_id text,
       model_version text, model_type text, shadow boolean, failure_probability float8, features jsonb,
       stage_risks jsonb, top_risk_factors jsonb, duration_model_version text, duration_forecast jsonb,
       timeout_seconds float8, predicted_at float8, planned_at float8)
     ON CONFLICT (id) DO NOTHING`,
    [jsonArray],
  );
}
