import type { AnomalyEntry, Incident } from '../anomaly/index.js';
import type { AnomalyRow, IncidentRow, InsightRow } from '../ports/index.js';

/** ai_insights severity of a score: critical from 0.9, high from 0.75, medium from 0.6, else low. */
export function severityOf(score: number): InsightRow['severity'] {
  return score >= 0.9 ? 'critical' : score >= 0.75 ? 'high' : score >= 0.6 ? 'medium' : 'low';
}

/** The stored form of an anomaly (the labels stay out: they are the simulator's ground truth). */
export function anomalyRow(a: AnomalyEntry): AnomalyRow {
  const { labels: _labels, ...row } = a;
  return row;
}

/** An anomaly as an insight record of type `anomaly`. */
export function anomalyInsight(a: AnomalyEntry, id: string, now: number): InsightRow {
  const what = a.kind === 'metric' ? `${a.metric} anomaly` : 'Abnormal run';
  return {
    id,
    insight_type: 'anomaly',
    source: 'anomaly',
    source_id: a.id,
    pipeline_id: a.pipeline_id,
    execution_id: a.execution_id,
    severity: severityOf(a.score),
    title: `${what} in pipeline ${a.pipeline_id}`,
    description: a.reasons.join('; '),
    recommendation: null,
    confidence: a.score,
    metadata: {
      kind: a.kind,
      metric: a.metric,
      incident_id: a.incident_id,
      algorithm: a.algorithm,
      model_version: a.model_version,
      detected_at: new Date(a.detected_at).toISOString(),
    },
    created_at: now,
  };
}

/** An incident as an insight record of type `anomaly` (updated as the incident grows and resolves). */
export function incidentInsight(i: Incident | IncidentRow, id: string, now: number): InsightRow {
  return {
    id,
    insight_type: 'anomaly',
    source: 'incident',
    source_id: i.id,
    pipeline_id: i.pipeline_id,
    execution_id: null,
    severity: severityOf(i.max_score),
    title: `${i.kind === 'metric' ? 'Metric' : 'Run'} anomaly incident in pipeline ${i.pipeline_id}`,
    description: `${i.anomaly_count} anomal${i.anomaly_count === 1 ? 'y' : 'ies'} since ${new Date(i.opened_at).toISOString()}, ${i.status}: ${i.title}`,
    recommendation: null,
    confidence: i.max_score,
    metadata: {
      kind: i.kind,
      status: i.status,
      anomaly_count: i.anomaly_count,
      opened_at: new Date(i.opened_at).toISOString(),
      resolved_at: i.resolved_at === null ? null : new Date(i.resolved_at).toISOString(),
    },
    created_at: now,
  };
}
