import type { AiInsightWrite, AlertWrite, IncidentRow, InsightRow } from '../ports/index.js';
import { severityOf } from './anomaly-insights.js';
import { FLEET } from './healing-escalations.js';

/** The `source` of alerts and the `generated_by` of insights this service writes. */
export const WRITE_BACK_SOURCE = 'flexiroaster-ai';

/** Why a record is not written back; each is counted. */
export type SkipReason = 'pipeline_not_in_source' | 'below_alert_threshold' | 'rejected_by_target';

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

/** Whether an alert of this incident has a pipeline (the loop's fleet-wide incident has none). */
export function alertHasPipeline(i: Pick<IncidentRow, 'pipeline_id'>): boolean {
  return i.pipeline_id !== FLEET;
}

/**
 * An incident's alert, one per pipeline and kind: severity from its highest score. Anomaly incidents
 * are named after what was abnormal (kind `anomaly:execution`, `anomaly:metric`); the self-healing
 * loop's escalations keep their own title (kind `healing`; the fleet-wide one has no pipeline).
 */
export function alertOf(i: IncidentRow): AlertWrite {
  const anomaly = i.kind === 'execution' || i.kind === 'metric';
  const kind = anomaly ? `anomaly:${i.kind}` : i.kind;
  const noun = anomaly ? 'anomal' : 'occurrence';
  const count = `${i.anomaly_count} ${noun}${i.anomaly_count === 1 ? (anomaly ? 'y' : '') : anomaly ? 'ies' : 's'}`;
  const where = alertHasPipeline(i) ? `pipeline ${i.pipeline_id}` : 'the fleet';
  return {
    key: alertKey(i.id),
    severity: alertSeverity(i.max_score),
    title: anomaly ? `${i.kind === 'metric' ? 'Metric' : 'Run'} anomaly incident in ${where}` : i.title,
    message: `${count} since ${new Date(i.opened_at).toISOString()}: ${i.title}`,
    source: WRITE_BACK_SOURCE,
    pipeline_id: alertHasPipeline(i) ? i.pipeline_id : null,
    kind,
    metadata: {
      generated_by: WRITE_BACK_SOURCE,
      incident_id: i.id,
      kind,
      anomaly_count: i.anomaly_count,
      max_score: confidenceOf(i.max_score),
      opened_at: new Date(i.opened_at).toISOString(),
    },
    created_at: i.opened_at,
    resolved_at: i.status === 'resolved' ? (i.resolved_at ?? i.last_seen_at) : null,
  };
}
