import { describe, expect, it } from 'vitest';
import { actionKey, planDecisions } from './decide.js';
import { parseRunbook } from './runbook.js';
import { makeContext } from './testing.js';

const failing = { field: 'snapshot.failure_rate', op: '>=', value: 0.5 };
const rb = (name: string, priority: number, actions: unknown[], extra: Record<string, unknown> = {}) =>
  parseRunbook({ name, priority, when: failing, actions, ...extra }, name);

describe('planDecisions', () => {
  const ctx = makeContext({ kpis: { failure_rate: 0.7 }, failing_stage: 'transform', execution_id: 'e9' });

  it('takes the highest-priority matching enabled runbook, one decision per pipeline', () => {
    const books = [
      rb('low', 1, ['notify']),
      rb('high', 9, ['retry_stage']),
      rb('off', 99, ['pause_pipeline'], { enabled: false }),
    ];
    const decisions = planDecisions(books, ctx);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ runbook: 'high', pipeline_id: 'p1', escalate_to_human: false });
    expect(decisions[0].actions[0]).toMatchObject({
      pipeline_id: 'p1',
      stage: 'transform',
      execution_id: 'e9',
      risk: 'low',
    });
    expect(planDecisions(books, makeContext())).toEqual([]);
  });

  it('breaks priority ties by name', () => {
    expect(planDecisions([rb('b', 5, ['notify']), rb('a', 5, ['notify'])], ctx)[0].runbook).toBe('a');
  });

  it('keys are stable hashes of runbook + pipeline + trigger + index', () => {
    const books = [rb('r', 1, ['retry_stage', 'open_ticket'])];
    const [a] = planDecisions(books, ctx);
    const [b] = planDecisions(books, { ...ctx });
    expect(a.actions.map((x) => x.idempotency_key)).toEqual(b.actions.map((x) => x.idempotency_key));
    expect(a.actions[0].idempotency_key).toBe(actionKey('r', 'p1', ctx.trigger, 0));
    expect(new Set(a.actions.map((x) => x.idempotency_key)).size).toBe(2);
    const [other] = planDecisions(books, { ...ctx, trigger: { kind: 'tick', id: 't2', at: 1 } });
    expect(other.actions[0].idempotency_key).not.toBe(a.actions[0].idempotency_key);
    expect(other.key).not.toBe(a.key);
  });

  it('a critical failing stage is not skipped: the ladder moves on to pause', () => {
    const crit = { ...ctx, failing_stage: 'load' };
    const [d] = planDecisions([rb('skip', 1, ['skip_stage'])], crit);
    expect(d.actions.map((a) => [a.spec.action, a.replaces])).toEqual([['pause_pipeline', 'skip_stage']]);
    expect(d.dropped[0].reason).toBe('stage "load" is critical');
  });

  it('does not add a rung the runbook already has', () => {
    const crit = { ...ctx, failing_stage: 'load' };
    const [d] = planDecisions([rb('both', 1, ['skip_stage', 'pause_pipeline'])], crit);
    expect(d.actions.map((a) => a.spec.action)).toEqual(['pause_pipeline']);
  });

  it('nothing applicable up the ladder → escalate to a human', () => {
    const done = makeContext({ kpis: { failure_rate: 0.7 } });
    const [d] = planDecisions([rb('term', 1, ['terminate_execution'])], done);
    expect(d.actions).toEqual([]);
    expect(d.escalate_to_human).toBe(true);
    expect(d.dropped[0].reason).toBe('no execution to terminate');
  });
});
