import { describe, expect, it } from 'vitest';
import { MonitoringEngine } from '../monitoring/index.js';
import { MIN, T0, execution } from '../monitoring/testing.js';
import { FakeClock } from '../shared/index.js';
import { anomalyContext, kpisFromSnapshot, signaturesFromPatterns } from './context.js';
import { planDecisions } from './decide.js';
import { parseRunbook } from './runbook.js';
import { makeContext } from './testing.js';

describe('context from the other rooms', () => {
  it("a real monitoring snapshot's KPIs drive a runbook condition", () => {
    const clock = new FakeClock(T0 + 30 * MIN);
    const engine = new MonitoringEngine({ windowMs: 60 * MIN, maxEventsPerPipeline: 1000, clock });
    for (let i = 0; i < 10; i++)
      engine.apply(
        execution({
          execution_id: `e${i}`,
          event_time: T0 + i * MIN,
          status: i % 2 === 0 ? 'failed' : 'completed',
          retry_count: 2,
          cpu_percent: 90,
          error_message: i % 2 === 0 ? 'Connection refused to db:5432' : null,
        }),
      );
    const snapshot = engine.snapshot('p1');
    if (snapshot === undefined) throw new Error('no snapshot');
    const kpis = kpisFromSnapshot(snapshot);
    expect(kpis).toMatchObject({
      sampled_events: 10,
      failure_rate: 0.5,
      retry_frequency: 2,
      avg_cpu_percent: 90,
    });
    expect(kpis.health_status).toBe(snapshot.health.status);
    const signatures = signaturesFromPatterns(snapshot.signals.dominant_error_patterns);
    expect(signatures).toEqual([{ signature: 'unknown', count: 5 }]);

    const rb = parseRunbook(
      {
        name: 'failing',
        when: {
          all: [
            { field: 'snapshot.failure_rate', op: '>=', value: 0.5 },
            { field: 'signatures.dominant_count', op: '>=', value: 5 },
          ],
        },
        actions: ['retry_stage'],
      },
      'failing',
    );
    expect(planDecisions([rb], makeContext({ snapshot: kpis, signatures }))).toHaveLength(1);
  });

  it('merges patterns by signature, most frequent first', () => {
    expect(
      signaturesFromPatterns([
        { pattern: 'a', count: 2, share: 0.2, signature: 'timeout' },
        { pattern: 'b', count: 5, share: 0.5, signature: 'connection' },
        { pattern: 'c', count: 3, share: 0.3, signature: 'timeout' },
      ]),
    ).toEqual([
      { signature: 'connection', count: 5 },
      { signature: 'timeout', count: 5 },
    ]);
  });

  it('keeps the numeric inputs of an anomaly as its features', () => {
    const a = anomalyContext({
      id: 'an1',
      kind: 'execution',
      pipeline_id: 'p1',
      execution_id: 'e1',
      metric: null,
      detected_at: 0,
      score: 0.8,
      reasons: ['slow'],
      algorithm: 'zscore_rules',
      model_version: null,
      contributions: {},
      inputs: { cpu_percent: 95, latency_ms: null, stage_errors: ['x'] },
      incident_id: 'i1',
      labels: null,
    });
    expect(a.features).toEqual({ cpu_percent: 95 });
  });
});
