import type { AiInsightWrite, AlertWrite, IncidentRow, InsightRow } from '../ports/index.js';
import { severityOf } from './anomaly-insights.js';

/** The `source` of alerts and the `generated_by` of insights this service writes. */
export const WRITE_BACK_SOURCE = 'flexiroaster-ai';

/** Why a record is not written back; each is counted. */
export type SkipReason = 'pipeline_not_in_source' | 'below_alert_threshold';

const INSIGHT_SEVERITIES: readonly InsightRow['severity'][] = ['critical', 'high', 'medium', 'low', 'info'];

/** A confidence as `numeric(3,2)` keeps it: in [0, 1], two decimals; anything not a number is 0. */
export function confidenceOf(x: number): number {
  if (!Number.isFinite(x)) return 0;
  return Math.round(Math.min(1, Math.max(0, x)) * 100) / 100;
}

/** An insight's severity as `ai_insights` accepts it (an unknown word becomes `info`). */
export function insightSeverity(s: string): InsightRow['severity'] {
  return (INSIGHT_SEVERITIES as readonly string[]).includes(s) ? (s as InsightRow['severity']) : 'info';
}

/** An alert's severity from a score: the insight scale, where `info` (which alerts lack) becomes `low`. */
export function alertSeverity(score: number): AlertWrite['severity'] {
  const s = severityOf(score);
  return s === 'info' ? 'low' : s;
}

/** The key of an insight's row in `ai_insights` (the same insight, the same row). */
export function insightKey(insightId: string): string {
  return `insight:${insightId}`;
}

/** The key of an incident's row in `alerts`. */
export function alertKey(incidentId: string): string {
  return `alert:${incidentId}`;
}

/**
 * Whether a failure prediction is below the alert threshold it was judged against: written back only
 * at or above `metadata.alert_threshold` (by `metadata.probability`, else the confidence). Other
 * insight types, and predictions that carry no threshold, are always written.
 */
export function belowAlertThreshold(i: InsightRow): boolean {
  if (i.insight_type !== 'failure_prediction') return false;
  const threshold = i.metadata.alert_threshold;
  if (typeof threshold !== 'number') return false;
  const p = typeof i.metadata.probability === 'number' ? i.metadata.probability : i.confidence;
  return p < threshold;
}

/**
 * An insight record as its `ai_insights` row. The metadata names this service, the insight and what
 * it is about, the model version (null when no model judged), and the evidence: the record's own
 * `evidence`, else the rest of its metadata. An execution not in the source's `executions` table is
 * left out of the foreign key and kept in the metadata.
 */
export function aiInsightOf(i: InsightRow, executionExists: boolean): AiInsightWrite {
  const { model_version, evidence, ...rest } = i.metadata;
  return {
    key: insightKey(i.id),
    insight_type: i.insight_type,
    pipeline_id: i.pipeline_id,
    execution_id: executionExists ? i.execution_id : null,
    severity: insightSeverity(i.severity),
    title: i.title,
    description: i.description,
    recommendation: i.recommendation,
    confidence: confidenceOf(i.confidence),
    metadata: {
      generated_by: WRITE_BACK_SOURCE,
      insight_id: i.id,
      source: i.source,
      source_id: i.source_id,
      execution_id: i.execution_id,
      model_version: typeof model_version === 'string' ? model_version : null,
      evidence: evidence ?? rest,
    },
    created_at: i.created_at,
  };
}

/** An incident's alert: severity from its highest score, one per pipeline and kind. */
export function alertOf(i: IncidentRow): AlertWrite {
  const what = i.kind === 'metric' ? 'Metric' : 'Run';
  const count = `${i.anomaly_count} anomal${i.anomaly_count === 1 ? 'y' : 'ies'}`;
  return {
    key: alertKey(i.id),
    severity: alertSeverity(i.max_score),
    title: `${what} anomaly incident in pipeline ${i.pipeline_id}`,
    message: `${count} since ${new Date(i.opened_at).toISOString()}: ${i.title}`,
    source: WRITE_BACK_SOURCE,
    pipeline_id: i.pipeline_id,
    kind: `anomaly:${i.kind}`,
    metadata: {
      generated_by: WRITE_BACK_SOURCE,
      incident_id: i.id,
      kind: `anomaly:${i.kind}`,
      anomaly_count: i.anomaly_count,
      max_score: confidenceOf(i.max_score),
      opened_at: new Date(i.opened_at).toISOString(),
    },
    created_at: i.opened_at,
    resolved_at: i.status === 'resolved' ? (i.resolved_at ?? i.last_seen_at) : null,
  };
}
