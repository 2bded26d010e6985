import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planDecisions } from './decide.js';
import { assertUniqueNames, parseRunbookText } from './runbook.js';
import { makeContext as quiet } from './testing.js';
import type { HealingContext } from './types.js';

const DIR = join(import.meta.dirname, '../../runbooks');
const runbooks = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => parseRunbookText(readFileSync(join(DIR, f), 'utf8'), f));

/** A context whose latest runs failed (2 of the last 3) unless `recent_failed_runs` says otherwise. */
function makeContext(...args: Parameters<typeof quiet>): HealingContext {
  const ctx = quiet(...args);
  ctx.pipeline = { ...ctx.pipeline, recent_failed_runs: 2 };
  return ctx;
}

function decided(ctx: HealingContext): { runbook: string | null; actions: string[] } {
  const [d] = planDecisions(runbooks, ctx);
  return { runbook: d?.runbook ?? null, actions: d?.actions.map((a) => a.spec.action) ?? [] };
}

describe('shipped runbooks', () => {
  it('all parse, with unique names', () => {
    expect(runbooks.length).toBeGreaterThanOrEqual(6);
    assertUniqueNames(runbooks);
  });

  it('a quiet pipeline: nothing to do', () => {
    expect(decided(quiet())).toEqual({ runbook: null, actions: [] });
  });

  it('a fix that worked: the window still remembers the failures, the latest runs do not', () => {
    for (const signature of ['timeout', 'out_of_memory', 'schema_mismatch']) {
      const ctx = makeContext({ kpis: { failure_rate: 0.6 }, signatures: [{ signature, count: 6 }] });
      expect(decided(ctx).runbook, signature).not.toBeNull();
      ctx.pipeline = { ...ctx.pipeline, recent_failed_runs: 0 };
      expect(decided(ctx).runbook, signature).toBeNull();
    }
  });

  it('high failure rate + a repeated timeout → retry with backoff + ticket', () => {
    const ctx = makeContext({
      kpis: { failure_rate: 0.45 },
      signatures: [{ signature: 'timeout', count: 6 }],
      failing_stage: 'extract',
    });
    expect(decided(ctx)).toEqual({
      runbook: 'failure-with-repeated-error',
      actions: ['retry_stage', 'open_ticket'],
    });
    const retry = planDecisions(runbooks, ctx)[0].actions[0];
    expect(retry.spec).toMatchObject({
      params: { max_attempts: 3, backoff: { base_ms: 2000, max_ms: 60000 } },
    });
    expect(retry.stage).toBe('extract');
  });

  it('the same with a schema mismatch: no retry, the ladder skips the non-critical stage', () => {
    const ctx = makeContext({
      kpis: { failure_rate: 0.45 },
      signatures: [{ signature: 'schema_mismatch', count: 6 }],
      failing_stage: 'transform',
    });
    // Version 1: nothing to roll back to.
    ctx.pipeline = { ...ctx.pipeline, version: 1 };
    const [d] = planDecisions(runbooks, ctx);
    expect(d.runbook).toBe('failure-with-repeated-error');
    expect(d.actions.map((a) => [a.spec.action, a.replaces])).toEqual([
      ['skip_stage', 'retry_stage'],
      ['open_ticket', null],
    ]);
    expect(d.dropped).toEqual([
      { index: 0, action: 'retry_stage', reason: 'a schema_mismatch error is not worth retrying' },
    ]);
  });

  it('a schema mismatch with an earlier definition version → roll back + ticket', () => {
    const ctx = makeContext({
      kpis: { failure_rate: 0.45 },
      signatures: [{ signature: 'schema_mismatch', count: 6 }],
    });
    expect(decided(ctx)).toEqual({
      runbook: 'schema-mismatch-rollback',
      actions: ['rollback_pipeline', 'open_ticket'],
    });
  });

  it('runs much slower without failures or retries → add workers; slowness from retries → not', () => {
    expect(decided(makeContext({ kpis: { duration_change_percent: 60 } }))).toEqual({
      runbook: 'slow-runs-add-workers',
      actions: ['scale_workers'],
    });
    expect(decided(makeContext({ kpis: { duration_change_percent: 30 } })).runbook).toBeNull();
    expect(
      decided(makeContext({ kpis: { duration_change_percent: 60, retry_frequency: 1.5 } })).runbook,
    ).toBeNull();
  });

  it('a paused pipeline: no fix acts on its old window; resumed after 30 idle minutes if it was failing', () => {
    const failing = makeContext({
      kpis: { failure_rate: 0.6 },
      signatures: [{ signature: 'out_of_memory', count: 4 }],
    });
    failing.pipeline = { ...failing.pipeline, is_active: false, idle_minutes: 12 };
    expect(decided(failing).runbook).toBeNull();
    failing.pipeline = { ...failing.pipeline, idle_minutes: 31 };
    expect(decided(failing)).toEqual({ runbook: 'resume-after-pause', actions: ['resume_pipeline'] });
    const healthy = makeContext();
    healthy.pipeline = { ...healthy.pipeline, is_active: false, idle_minutes: 300 };
    expect(decided(healthy).runbook).toBeNull();
  });

  it('latency spike + high CPU → scale workers', () => {
    expect(decided(makeContext({ kpis: { latency_spike: true, avg_cpu_percent: 92 } }))).toEqual({
      runbook: 'latency-spike-high-cpu',
      actions: ['scale_workers'],
    });
    expect(decided(makeContext({ kpis: { latency_spike: true, avg_cpu_percent: 50 } })).runbook).toBeNull();
  });

  it('throughput drop + retry burst → skip a non-critical stage, else pause a non-critical pipeline', () => {
    const kpis = { throughput_change_percent: -45, retry_frequency: 2.5 };
    expect(decided(makeContext({ kpis, failing_stage: 'transform' }))).toEqual({
      runbook: 'throughput-drop-retry-burst-stage',
      actions: ['skip_stage'],
    });
    expect(decided(makeContext({ kpis, failing_stage: 'load' }))).toEqual({
      runbook: 'throughput-drop-retry-burst-pipeline',
      actions: ['pause_pipeline', 'notify'],
    });
    // Nothing may be skipped or paused: people get a ticket.
    const critical = makeContext({ kpis, failing_stage: 'load' });
    critical.pipeline = { ...critical.pipeline, is_critical: true };
    expect(decided(critical)).toEqual({
      runbook: 'throughput-drop-retry-burst-critical',
      actions: ['open_ticket'],
    });
  });

  it('out of memory → scale workers + ticket (not a retry)', () => {
    const ctx = makeContext({
      kpis: { failure_rate: 0.5 },
      signatures: [{ signature: 'out_of_memory', count: 4 }],
    });
    expect(decided(ctx)).toEqual({ runbook: 'out-of-memory', actions: ['scale_workers', 'open_ticket'] });
  });

  it('runs near their timeout → a longer timeout; a predicted failure → a notification', () => {
    // timeout 600 s in makeContext: p95 of 500 s is 83 % of it.
    expect(decided(makeContext({ kpis: { p95_duration_seconds: 500 } })).actions).toEqual([
      'increase_timeout',
    ]);
    expect(decided(makeContext({ kpis: { p95_duration_seconds: 400 } })).runbook).toBeNull();
    // Near the timeout, a retry would be killed the same way: the slowdown runbook goes first.
    const timingOut = makeContext({
      kpis: { p95_duration_seconds: 590, failure_rate: 0.5 },
      signatures: [{ signature: 'timeout', count: 5 }],
    });
    expect(decided(timingOut).runbook).toBe('slowdown');
    const predicted = makeContext({
      trigger: { kind: 'prediction', id: 'pr1', at: 0 },
      prediction: { id: 'pr1', failure_probability: 0.9, model_version: 'gbdt-3', stage_risks: {} },
    });
    expect(decided(predicted)).toEqual({ runbook: 'predicted-failure', actions: ['notify'] });
  });

  it('a pipeline failing with no known pattern → the first rung of the safe ladder', () => {
    expect(decided(makeContext({ kpis: { failure_rate: 0.6 } }))).toEqual({
      runbook: 'safe-ladder',
      actions: ['retry_stage'],
    });
  });
});
