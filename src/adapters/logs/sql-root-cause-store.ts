import type { RootCauseRow, RootCauseStore, SqlClient } from '../../ports/index.js';

const S = 'flexiroaster_ai';
const ms = (col: string) => `(extract(epoch from ${col}) * 1000)::float8 AS ${col}`;
const ts = (i: number) => `to_timestamp($${i}::float8 / 1000)`;

/** Root-cause results per failed execution, and the failed-stage history they draw on. */
export class SqlRootCauseStore implements RootCauseStore {
  constructor(private readonly sql: SqlClient) {}

  async save(rows: readonly RootCauseRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.sql.query(
      `INSERT INTO ${S}.execution_root_causes (execution_id, pipeline_id, failed_at, analyzed_at, result)
       SELECT execution_id, pipeline_id, to_timestamp(failed_at / 1000), to_timestamp(analyzed_at / 1000), result
       FROM jsonb_to_recordset($1::jsonb) AS x(execution_id text, pipeline_id text, failed_at float8,
         analyzed_at float8, result jsonb)
       ON CONFLICT (execution_id, pipeline_id) DO UPDATE SET failed_at = EXCLUDED.failed_at,
         analyzed_at = EXCLUDED.analyzed_at, result = EXCLUDED.result`,
      [JSON.stringify(rows)],
    );
  }

  async get(executionId: string): Promise<RootCauseRow | null> {
    const { rows } = await this.sql.query<RootCauseRow>(
      `SELECT execution_id, pipeline_id, ${ms('failed_at')}, ${ms('analyzed_at')}, result
       FROM ${S}.execution_root_causes WHERE execution_id = $1 ORDER BY analyzed_at DESC LIMIT 1`,
      [executionId],
    );
    return rows[0] ?? null;
  }

  // Served by events_failed_stages_idx (migration 005): only failed stage states are read.
  async countStageFailures(q: {
    pipelineId: string;
    stageName: string;
    sinceMs: number;
    untilMs: number;
    excludeExecutionId: string | null;
  }): Promise<number> {
    const { rows } = await this.sql.query<{ n: number }>(
      `SELECT count(DISTINCT key)::int AS n FROM ${S}.events
       WHERE kind = 'stage' AND payload ->> 'status' = 'failed' AND pipeline_id = $1
         AND payload ->> 'stage_name' = $2 AND event_time >= ${ts(3)} AND event_time < ${ts(4)}
         AND ($5::text IS NULL OR payload ->> 'execution_id' IS DISTINCT FROM $5::text)`,
      [q.pipelineId, q.stageName, q.sinceMs, q.untilMs, q.excludeExecutionId],
    );
    return rows[0]?.n ?? 0;
  }
}
