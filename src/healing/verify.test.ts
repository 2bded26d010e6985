import { notApplicable } from './applicability.js';
import { defaultAction } from './params.js';
import { describe, expect, it } from 'vitest';
import { makeContext } from './testing.js';
import { escalation, verifyAction } from './verify.js';

const MIN = 60_000;
const run = (status: string, started: number, finished: number | null = started + MIN) => ({
  status,
  started_at: started,
  finished_at: finished,
});

describe('verifyAction', () => {
  const retry = { action: 'retry_stage' as const, executed_at: 10 * MIN };
  const deadline = 40 * MIN;

  it('pending until a run after the action finishes', () => {
    expect(verifyAction(retry, [], deadline, 11 * MIN).status).toBe('pending');
    expect(verifyAction(retry, [run('running', 12 * MIN, null)], deadline, 13 * MIN).status).toBe('pending');
  });

  it('succeeds when the next run after the action completes; runs before it do not count', () => {
    const runs = [run('failed', 5 * MIN), run('completed', 12 * MIN)];
    expect(verifyAction(retry, runs, deadline, 14 * MIN)).toMatchObject({
      status: 'succeeded',
      runs_judged: 1,
    });
    expect(verifyAction(retry, [run('completed', 5 * MIN)], deadline, 14 * MIN).status).toBe('pending');
  });

  it('fails when a run after the action fails, or the deadline passes with no success', () => {
    expect(verifyAction(retry, [run('failed', 12 * MIN)], deadline, 14 * MIN).status).toBe('failed');
    expect(verifyAction(retry, [], deadline, deadline)).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('deadline'),
    });
    expect(verifyAction(retry, [run('completed', 39 * MIN, 45 * MIN)], deadline, 50 * MIN).status).toBe(
      'failed',
    );
  });

  it('can need several successes', () => {
    const one = [run('completed', 12 * MIN)];
    expect(verifyAction(retry, one, deadline, 14 * MIN, 2).status).toBe('pending');
    expect(verifyAction(retry, [...one, run('completed', 20 * MIN)], deadline, 22 * MIN, 2).status).toBe(
      'succeeded',
    );
  });

  it('a pause succeeds when nothing fails until the deadline; a ticket at once', () => {
    const pause = { action: 'pause_pipeline' as const, executed_at: 10 * MIN };
    expect(verifyAction(pause, [], deadline, 20 * MIN).status).toBe('pending');
    expect(verifyAction(pause, [], deadline, deadline).status).toBe('succeeded');
    expect(verifyAction(pause, [run('failed', 15 * MIN)], deadline, 20 * MIN).status).toBe('failed');
    expect(verifyAction({ action: 'open_ticket', executed_at: 0 }, [], deadline, 0).status).toBe('succeeded');
  });
});

describe('escalation up the ladder', () => {
  it('climbs rung by rung, then to a human', () => {
    expect(escalation('retry_stage')).toBe('skip_stage');
    expect(escalation('skip_stage')).toBe('pause_pipeline');
    expect(escalation('pause_pipeline')).toBe('rollback_pipeline');
    expect(escalation('terminate_execution')).toBe('escalate_to_human');
    expect(escalation('scale_workers')).toBe('skip_stage');
  });

  it('with a context, skips rungs that do not apply there', () => {
    const critical = makeContext({ failing_stage: 'load' });
    expect(escalation('retry_stage', critical)).toBe('pause_pipeline');
    expect(escalation('retry_stage', makeContext({ failing_stage: 'transform' }))).toBe('skip_stage');
    const paused = makeContext({ failing_stage: 'load' });
    paused.pipeline = { ...paused.pipeline, is_active: false };
    // A paused pipeline has no runs to judge a rollback by (the rollbacks that failed verification).
    expect(escalation('retry_stage', paused)).toBe('escalate_to_human');
    expect(escalation('pause_pipeline', makeContext())).toBe('rollback_pipeline');
    const first = makeContext();
    first.pipeline = { ...first.pipeline, version: 1 };
    expect(escalation('pause_pipeline', first)).toBe('escalate_to_human');
    expect(escalation('rollback_pipeline', makeContext())).toBe('escalate_to_human');
  });

  it('no retry of a paused pipeline (the orchestrator starts no run of it), no rollback without an earlier version', () => {
    const paused = makeContext();
    paused.pipeline = { ...paused.pipeline, is_active: false };
    expect(notApplicable(defaultAction('retry_stage'), paused)).toBe('the pipeline is paused');
    expect(notApplicable(defaultAction('retry_stage'), makeContext())).toBeNull();
    expect(notApplicable(defaultAction('rollback_pipeline'), paused)).toBe('the pipeline is paused');
    const first = makeContext();
    first.pipeline = { ...first.pipeline, version: 1 };
    expect(notApplicable(defaultAction('rollback_pipeline'), first)).toMatch(/no earlier definition/);
  });
});
