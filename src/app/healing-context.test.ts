import { describe, expect, it } from 'vitest';
import { execution } from '../monitoring/testing.js';
import type { PipelineInfo } from '../ports/index.js';
import { buildHealingContext, pipelineContext } from './healing-context.js';
import { RunTracker } from './healing-runs.js';

const info = (over: Partial<PipelineInfo> = {}): PipelineInfo => ({
  pipeline_id: 'p1',
  name: 'orders',
  version: 3,
  definition: {
    stages: [
      { id: 's1', name: 'extract', critical: true },
      { id: 's2', name: 'enrich', critical: false },
      { id: 's3', name: 'publish' },
    ],
  },
  schedule_cron: null,
  timeout_seconds: 600,
  is_active: true,
  tags: ['tier-1'],
  first_seen_at: 0,
  ...over,
});

describe('healing context', () => {
  it('takes stages and criticality from the definition; unstated criticality counts as critical', () => {
    const ctx = pipelineContext('p1', info(), []);
    expect(ctx).toMatchObject({ name: 'orders', is_critical: true, timeout_seconds: 600, version: 3 });
    expect(ctx.stages).toEqual([
      { id: 's1', name: 'extract', is_critical: true },
      { id: 's2', name: 'enrich', is_critical: false },
      { id: 's3', name: 'publish', is_critical: true },
    ]);
  });

  it('falls back to the stages seen in events when no source reported the pipeline', () => {
    const ctx = pipelineContext('p9', null, [{ id: 'x', name: 'load', is_critical: false }]);
    expect(ctx).toMatchObject({ name: 'p9', is_active: true, is_critical: false, version: null });
    expect(ctx.stages).toEqual([{ id: 'x', name: 'load', is_critical: false }]);
  });

  it('tracks runs: the last failure and its stage, runs after a time except those already known', () => {
    const runs = new RunTracker();
    const base = { key: 'k', pipeline_id: 'p1', received_at: 0, duration_seconds: 1, retry_count: 0 };
    const exec = (id: string, status: 'running' | 'failed' | 'completed', t: number) =>
      runs.observe(
        execution({
          ...base,
          execution_id: id,
          status,
          event_time: t,
          started_at: t - 1000,
          completed_at: status === 'running' ? null : t,
        }),
      );
    exec('e1', 'failed', 10_000);
    runs.observe({
      ...base,
      kind: 'stage',
      execution_id: 'e1',
      stage_id: 's2',
      stage_name: 'enrich',
      status: 'failed',
      event_time: 9_000,
      started_at: 8_000,
      completed_at: 9_000,
      is_critical: false,
      error_message: 'boom',
    });
    const known = runs.runIds('p1');
    exec('e2', 'running', 20_000);
    expect(runs.lastFailure('p1')).toEqual({ execution_id: 'e1', stage: 'enrich' });
    expect(runs.running('p1')).toBe('e2');
    expect(runs.runsSince('p1', 0, known)).toEqual([
      { status: 'running', started_at: 19_000, finished_at: null },
    ]);
    expect(runs.stages('p1')).toEqual([{ id: 's2', name: 'enrich', is_critical: false }]);
    // Minutes since the latest run started (e2 at 19 s), for the resume runbook.
    const at = 19_000 + 31 * 60_000;
    const ctx = buildHealingContext({
      pipelineId: 'p1',
      trigger: { kind: 'tick', id: 't', at },
      info: info({ is_active: false }),
      snapshot: undefined,
      runs,
      anomaly: null,
      incident: null,
      prediction: null,
    });
    // e1 failed and finished; e2 still runs.
    expect(ctx.pipeline).toMatchObject({ is_active: false, idle_minutes: 31, recent_failed_runs: 1 });
    const unseen = buildHealingContext({
      pipelineId: 'p2',
      trigger: { kind: 'tick', id: 't', at },
      info: null,
      snapshot: undefined,
      runs,
      anomaly: null,
      incident: null,
      prediction: null,
    });
    expect(unseen.pipeline.idle_minutes).toBeUndefined();
    expect(unseen.pipeline.recent_failed_runs).toBeUndefined();
  });
});
