import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IncidentRow, InsightRow } from '../ports/index.js';
import {
  aiInsightOf,
  alertOf,
  alertSeverity,
  belowAlertThreshold,
  confidenceOf,
  insightSeverity,
} from './write-back-mapping.js';

const T = Date.parse('2026-03-01T12:00:00Z');
const insight = (over: Partial<InsightRow> = {}): InsightRow => ({
  id: 'ins-1',
  insight_type: 'anomaly',
  source: 'anomaly',
  source_id: 'a-1',
  pipeline_id: 'p-1',
  execution_id: 'e-1',
  severity: 'high',
  title: 'Abnormal run in pipeline p-1',
  description: 'duration 5.1σ above baseline',
  recommendation: null,
  confidence: 0.8,
  metadata: { model_version: 'anomaly-3', algorithm: 'iforest', kind: 'execution' },
  created_at: T,
  ...over,
});
const incident = (over: Partial<IncidentRow> = {}): IncidentRow => ({
  id: 'inc-1',
  pipeline_id: 'p-1',
  kind: 'execution',
  status: 'open',
  opened_at: T,
  last_seen_at: T + 60_000,
  resolved_at: null,
  anomaly_count: 3,
  max_score: 0.93,
  title: 'duration far above baseline',
  ...over,
});

describe('confidenceOf', () => {
  it('keeps a confidence in [0, 1] with two decimals, whatever comes in', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: false }), (x) => {
        const c = confidenceOf(x);
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThanOrEqual(1);
        expect(Math.round(c * 100) / 100).toBe(c);
      }),
    );
    expect([confidenceOf(0.456), confidenceOf(1.7), confidenceOf(-2), confidenceOf(NaN)]).toEqual([
      0.46, 1, 0, 0,
    ]);
  });
});

describe('severities', () => {
  it('passes the ai_insights words through and turns an unknown one into info', () => {
    for (const s of ['critical', 'high', 'medium', 'low', 'info']) expect(insightSeverity(s)).toBe(s);
    expect(insightSeverity('urgent')).toBe('info');
  });

  it("grades alerts by score on the alerts table's scale (no info)", () => {
    expect([0.95, 0.9, 0.8, 0.65, 0.3, 0].map(alertSeverity)).toEqual([
      'critical',
      'critical',
      'high',
      'medium',
      'low',
      'low',
    ]);
  });
});

describe('aiInsightOf', () => {
  it("maps an insight record to ai_insights' columns with model version and evidence in the metadata", () => {
    const row = aiInsightOf(insight({ confidence: 0.8349 }), true);
    expect(row).toEqual({
      key: 'insight:ins-1',
      insight_type: 'anomaly',
      pipeline_id: 'p-1',
      execution_id: 'e-1',
      severity: 'high',
      title: 'Abnormal run in pipeline p-1',
      description: 'duration 5.1σ above baseline',
      recommendation: null,
      confidence: 0.83,
      metadata: {
        generated_by: 'flexiroaster-ai',
        insight_id: 'ins-1',
        source: 'anomaly',
        source_id: 'a-1',
        execution_id: 'e-1',
        model_version: 'anomaly-3',
        evidence: { algorithm: 'iforest', kind: 'execution' },
      },
      created_at: T,
    });
  });

  it("keeps an execution the source does not know out of the foreign key (in the metadata), and a record's own evidence", () => {
    const row = aiInsightOf(
      insight({ metadata: { evidence: ['failure rate 0.45'], model_version: 7 } }),
      false,
    );
    expect(row.execution_id).toBeNull();
    expect(row.metadata).toMatchObject({
      execution_id: 'e-1',
      model_version: null,
      evidence: ['failure rate 0.45'],
    });
  });
});

describe('belowAlertThreshold', () => {
  const prediction = (metadata: Record<string, unknown>, confidence = 0.5) =>
    insight({ insight_type: 'failure_prediction', metadata, confidence });

  it('holds a failure prediction back below its alert threshold, by probability else confidence', () => {
    expect(belowAlertThreshold(prediction({ alert_threshold: 0.6, probability: 0.59 }, 0.9))).toBe(true);
    expect(belowAlertThreshold(prediction({ alert_threshold: 0.6, probability: 0.6 }, 0.1))).toBe(false);
    expect(belowAlertThreshold(prediction({ alert_threshold: 0.6 }, 0.4))).toBe(true);
    expect(belowAlertThreshold(prediction({}, 0.1))).toBe(false);
    expect(belowAlertThreshold(insight({ metadata: { alert_threshold: 0.9 }, confidence: 0.1 }))).toBe(false);
  });
});

describe('alertOf', () => {
  it("makes an open incident an open alert of its pipeline and kind, graded by the incident's top score", () => {
    const a = alertOf(incident());
    expect(a).toMatchObject({
      key: 'alert:inc-1',
      severity: 'critical',
      source: 'flexiroaster-ai',
      pipeline_id: 'p-1',
      kind: 'anomaly:execution',
      created_at: T,
      resolved_at: null,
    });
    expect(a.message).toBe('3 anomalies since 2026-03-01T12:00:00.000Z: duration far above baseline');
    expect(a.metadata).toMatchObject({ incident_id: 'inc-1', kind: 'anomaly:execution', max_score: 0.93 });
  });

  it("keeps the self-healing loop's own title and kind, and gives its fleet-wide incident no pipeline", () => {
    const human = incident({
      kind: 'healing',
      title: 'Self-healing needs a human: 3 fixes failed',
      max_score: 1,
    });
    expect(alertOf(human)).toMatchObject({
      title: 'Self-healing needs a human: 3 fixes failed',
      kind: 'healing',
      severity: 'critical',
      pipeline_id: 'p-1',
      message: '3 occurrences since 2026-03-01T12:00:00.000Z: Self-healing needs a human: 3 fixes failed',
    });
    const fleet = alertOf(incident({ kind: 'healing', pipeline_id: '(fleet)', anomaly_count: 1 }));
    expect(fleet).toMatchObject({ pipeline_id: null, kind: 'healing' });
    expect(fleet.message).toMatch(/^1 occurrence since/);
    expect(alertOf(incident({ kind: 'metric' })).title).toBe('Metric anomaly incident in pipeline p-1');
  });

  it('writes an incident already over as a resolved alert', () => {
    expect(alertOf(incident({ status: 'resolved', resolved_at: T + 120_000 })).resolved_at).toBe(T + 120_000);
    expect(alertOf(incident({ status: 'resolved', resolved_at: null })).resolved_at).toBe(T + 60_000);
  });
});
