import type { AnomalyRow, IncidentRow, InsightRow, SqlClient } from '../../ports/index.js';

const S = 'flexiroaster_ai';
const ts = (col: string) => `to_timestamp(r.${col} / 1000)`;

/**
 * The whole save as one statement over three JSON arrays: one round trip to the database however
 * many findings a batch has (on PGlite each statement is a message answered through the main
 * thread, and a transaction of hundreds of them held the database from the event flush). The
 * incidents' insert runs first in the statement, and the foreign-key checks of the anomalies run at
 * its end, so an anomaly may refer to an incident of the same save.
 */
const SAVE_FINDINGS = `
WITH saved_incidents AS (
  INSERT INTO ${S}.incidents (id, pipeline_id, kind, status, opened_at, last_seen_at, resolved_at, anomaly_count, max_score, title)
  SELECT r.id, r.pipeline_id, r.kind, r.status, ${ts('opened_at')}, ${ts('last_seen_at')}, ${ts('resolved_at')},
    r.anomaly_count, r.max_score, r.title
  FROM jsonb_to_recordset($1::jsonb) AS r(id text, pipeline_id text, kind text, status text, opened_at float8,
    last_seen_at float8, resolved_at float8, anomaly_count integer, max_score float8, title text)
  ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, last_seen_at = EXCLUDED.last_seen_at,
    resolved_at = EXCLUDED.resolved_at, anomaly_count = EXCLUDED.anomaly_count, max_score = EXCLUDED.max_score
  RETURNING 1
), saved_anomalies AS (
  INSERT INTO ${S}.anomalies (id, kind, pipeline_id, execution_id, metric, detected_at, score, reasons, algorithm,
    model_version, contributions, inputs, incident_id)
  SELECT r.id, r.kind, r.pipeline_id, r.execution_id, r.metric, ${ts('detected_at')}, r.score, r.reasons, r.algorithm,
    r.model_version, r.contributions, r.inputs, r.incident_id
  FROM jsonb_to_recordset($2::jsonb) AS r(id text, kind text, pipeline_id text, execution_id text, metric text,
    detected_at float8, score float8, reasons jsonb, algorithm text, model_version text, contributions jsonb,
    inputs jsonb, incident_id text)
  ON CONFLICT (id) DO NOTHING
  RETURNING 1
)
INSERT INTO ${S}.insights (id, insight_type, source, source_id, pipeline_id, execution_id, severity, title,
  description, recommendation, confidence, metadata, created_at)
SELECT r.id, r.insight_type, r.source, r.source_id, r.pipeline_id, r.execution_id, r.severity, r.title,
  r.description, r.recommendation, r.confidence, r.metadata, ${ts('created_at')}
FROM jsonb_to_recordset($3::jsonb) AS r(id text, insight_type text, source text, source_id text, pipeline_id text,
  execution_id text, severity text, title text, description text, recommendation text, confidence numeric,
  metadata jsonb, created_at float8)
ON CONFLICT (source, source_id) DO UPDATE SET severity = EXCLUDED.severity, description = EXCLUDED.description,
  confidence = EXCLUDED.confidence, metadata = EXCLUDED.metadata`;

/** What one save writes. */
export interface Findings {
  anomalies: readonly AnomalyRow[];
  incidents: readonly IncidentRow[];
  insights: readonly InsightRow[];
}

/**
 * Upserts the findings in one statement, leaving the tables as upserting them one by one in order
 * would (an upsert cannot touch one row twice in a statement, so repeats are merged first).
 */
export async function saveFindings(sql: SqlClient, findings: Findings): Promise<void> {
  const incidents = mergeRepeats(findings.incidents, (i) => i.id, updateIncident);
  const anomalies = mergeRepeats(
    findings.anomalies,
    (a) => a.id,
    (first) => first,
  );
  const insights = mergeRepeats(findings.insights, (s) => `${s.source}\u0000${s.source_id}`, updateInsight);
  await sql.query(SAVE_FINDINGS, [
    JSON.stringify(incidents.map((i) => ({ ...i, max_score: sqlNumber(i.max_score) }))),
    JSON.stringify(anomalies.map((a) => ({ ...a, score: sqlNumber(a.score) }))),
    JSON.stringify(
      insights.map((s) => ({ ...s, confidence: sqlNumber(Math.round(s.confidence * 100) / 100) })),
    ),
  ]);
}

/**
 * A number for a numeric column read from JSON: NaN and ±Infinity as the text Postgres reads them
 * (JSON has no such numbers, and the null JSON.stringify would write breaks the NOT NULL column
 * and with it the whole save).
 */
function sqlNumber(n: number): number | string {
  return Number.isFinite(n) ? n : String(n);
}

/**
 * One row per key, at its first position, as the conflict clause would leave it after every
 * repeat: `merge(stored, later)` is what the row becomes when `later` meets it.
 */
function mergeRepeats<T>(
  rows: readonly T[],
  key: (row: T) => string,
  merge: (stored: T, later: T) => T,
): T[] {
  const at = new Map<string, number>();
  const out: T[] = [];
  for (const row of rows) {
    const k = key(row);
    const i = at.get(k);
    if (i === undefined) {
      at.set(k, out.length);
      out.push(row);
    } else {
      out[i] = merge(out[i], row);
    }
  }
  return out;
}

/** The incidents' conflict clause: the later state's status, times, count and score. */
function updateIncident(stored: IncidentRow, later: IncidentRow): IncidentRow {
  const { status, last_seen_at, resolved_at, anomaly_count, max_score } = later;
  return { ...stored, status, last_seen_at, resolved_at, anomaly_count, max_score };
}

/** The insights' conflict clause: the later severity, description, confidence and metadata. */
function updateInsight(stored: InsightRow, later: InsightRow): InsightRow {
  const { severity, description, confidence, metadata } = later;
  return { ...stored, severity, description, confidence, metadata };
}
