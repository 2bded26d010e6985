import type {
  AiInsightWrite,
  AlertWrite,
  RejectedRow,
  SqlClient,
  WriteBackTarget,
} from '../../ports/index.js';
import { toError } from '../../shared/index.js';
import { qualified } from '../source/tables.js';
import { sqlStateOf } from '../sql/sql-error.js';
import { isUuid, uuidFromKey } from './key-uuid.js';

const at = (col: string) => `to_timestamp(${col} / 1000)`;

/**
 * FlexiRoaster's `ai_insights` and `alerts` in `schema` of a source database (or the demo schema):
 * rows get uuids derived from their keys, so a repeated write lands on the same row. Only rows are
 * written; the tables' structure is never changed.
 */
export class SqlWriteBackTarget implements WriteBackTarget {
  private readonly t: { pipelines: string; executions: string; insights: string; alerts: string };

  constructor(
    private readonly sql: SqlClient,
    schema: string,
  ) {
    this.t = {
      pipelines: qualified(schema, 'pipelines'),
      executions: qualified(schema, 'executions'),
      insights: qualified(schema, 'ai_insights'),
      alerts: qualified(schema, 'alerts'),
    };
  }

  existingPipelines(ids: readonly string[]): Promise<Set<string>> {
    return this.existing(this.t.pipelines, ids);
  }

  existingExecutions(ids: readonly string[]): Promise<Set<string>> {
    return this.existing(this.t.executions, ids);
  }

  writeInsights(rows: readonly AiInsightWrite[]): Promise<RejectedRow[]> {
    return eachAloneIfRefused(rows, (batch) => this.insertInsights(batch));
  }

  openAlerts(rows: readonly AlertWrite[]): Promise<RejectedRow[]> {
    return eachAloneIfRefused(rows, (batch) => this.insertAlerts(batch));
  }

  private async insertInsights(rows: readonly AiInsightWrite[]): Promise<void> {
    const json = rows.map(({ key, ...r }) => ({ ...r, id: uuidFromKey(key) }));
    await this.sql.query(
      `INSERT INTO ${this.t.insights} (id, insight_type, pipeline_id, execution_id, severity, title, description,
         recommendation, confidence, metadata, created_at)
       SELECT id, insight_type, pipeline_id, execution_id, severity, title, description, recommendation,
         confidence, metadata, ${at('created_at')}
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, insight_type text, pipeline_id uuid, execution_id uuid,
         severity text, title text, description text, recommendation text, confidence numeric, metadata jsonb,
         created_at float8)
       ON CONFLICT (id) DO UPDATE SET insight_type = EXCLUDED.insight_type, severity = EXCLUDED.severity,
         title = EXCLUDED.title, description = EXCLUDED.description, recommendation = EXCLUDED.recommendation,
         confidence = EXCLUDED.confidence, metadata = EXCLUDED.metadata, created_at = EXCLUDED.created_at`,
      [JSON.stringify(json)],
    );
  }

  private async insertAlerts(rows: readonly AlertWrite[]): Promise<void> {
    const json = JSON.stringify(rows.map(({ key, ...r }) => ({ ...r, id: uuidFromKey(key) })));
    const X = `jsonb_to_recordset($1::jsonb) AS x(id uuid, severity text, title text, message text, source text,
      pipeline_id uuid, kind text, metadata jsonb, created_at float8, resolved_at float8)`;
    await this.sql.transaction(async (tx) => {
      // One open alert per pipeline and kind: an older one of this source still open is closed first.
      await tx.query(
        `UPDATE ${this.t.alerts} a SET status = 'resolved', resolved_at = ${at('x.created_at')}
         FROM ${X}
         WHERE x.resolved_at IS NULL AND a.source = x.source AND a.pipeline_id IS NOT DISTINCT FROM x.pipeline_id
           AND a.metadata ->> 'kind' = x.kind AND a.status <> 'resolved' AND a.id <> x.id`,
        [json],
      );
      await tx.query(
        `INSERT INTO ${this.t.alerts} (id, severity, title, message, source, pipeline_id, status, resolved_at,
           metadata, created_at)
         SELECT id, severity, title, message, source, pipeline_id,
           CASE WHEN resolved_at IS NULL THEN 'open' ELSE 'resolved' END, ${at('resolved_at')}, metadata,
           ${at('created_at')}
         FROM ${X}
         ON CONFLICT (id) DO NOTHING`,
        [json],
      );
    });
  }

  async resolveAlerts(rows: readonly { key: string; resolved_at: number }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.sql.query(
      `UPDATE ${this.t.alerts} a SET status = 'resolved', resolved_at = ${at('x.resolved_at')}
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, resolved_at float8)
       WHERE a.id = x.id AND a.status <> 'resolved'`,
      [JSON.stringify(rows.map((r) => ({ id: uuidFromKey(r.key), resolved_at: r.resolved_at })))],
    );
  }

  async dismissedInsights(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const byId = new Map(keys.map((k) => [uuidFromKey(k), k]));
    const { rows } = await this.sql.query<{ id: string }>(
      `SELECT id::text AS id FROM ${this.t.insights} WHERE id = ANY($1::uuid[]) AND is_dismissed`,
      [[...byId.keys()]],
    );
    return new Set(rows.flatMap((r) => byId.get(r.id) ?? []));
  }

  async dismissInsights(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.sql.query(
      `UPDATE ${this.t.insights} SET is_dismissed = true WHERE id = ANY($1::uuid[]) AND NOT is_dismissed`,
      [keys.map(uuidFromKey)],
    );
  }

  /** The ids (as given) that have a row in `table`. */
  private async existing(table: string, ids: readonly string[]): Promise<Set<string>> {
    const candidates = ids.filter(isUuid);
    if (candidates.length === 0) return new Set();
    const { rows } = await this.sql.query<{ id: string }>(
      `SELECT id::text AS id FROM ${table} WHERE id = ANY($1::uuid[])`,
      [candidates],
    );
    const found = new Set(rows.map((r) => r.id));
    return new Set(candidates.filter((id) => found.has(id.toLowerCase())));
  }
}

/** Whether the database refused the data (SQLSTATE classes 22 and 23), not the connection or the query. */
function refused(err: unknown): boolean {
  const code = sqlStateOf(err);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23'));
}

/**
 * Writes the rows in one go; when the target refuses the data, writes them one by one, so one row it
 * will never take (a constraint of its own, a pipeline deleted meanwhile) does not hold the rest back.
 */
async function eachAloneIfRefused<T extends { key: string }>(
  rows: readonly T[],
  write: (rows: readonly T[]) => Promise<void>,
): Promise<RejectedRow[]> {
  if (rows.length === 0) return [];
  try {
    await write(rows);
    return [];
  } catch (err) {
    if (!refused(err)) throw err;
  }
  const rejected: RejectedRow[] = [];
  for (const row of rows) {
    try {
      await write([row]);
    } catch (err) {
      if (!refused(err)) throw err;
      rejected.push({ key: row.key, reason: toError(err).message });
    }
  }
  return rejected;
}
