import { describe, expect, it } from 'vitest';
import { attemptOf, nextRetry } from './attempts.js';
import { attemptKey } from './decide.js';
import { defaultAction } from './params.js';
import type { DecidedAction, RetryStageParams } from './types.js';

const retry = (params: Partial<RetryStageParams> = {}): DecidedAction => {
  const spec = defaultAction('retry_stage');
  return {
    idempotency_key: 'k1',
    decision_key: 'd1',
    index: 0,
    pipeline_id: 'p1',
    runbook: 'rb',
    mode: 'live',
    requires_approval: false,
    risk: 'low',
    trigger: { kind: 'tick', id: 't', at: 0 },
    spec: { ...spec, params: { ...(spec.params as RetryStageParams), ...params } } as DecidedAction['spec'],
    stage: 'transform',
    execution_id: null,
    replaces: null,
  };
};
const backoff = { base_ms: 1000, max_ms: 3000, jitter: 'none' as const };
const timeouts = [{ signature: 'timeout', count: 3 }];

describe('retry attempts', () => {
  it('schedules attempts 2 … max_attempts at the backoff delays, each with its own key from the first', () => {
    let a = retry({ max_attempts: 4, backoff });
    const due: number[] = [];
    for (;;) {
      const step = nextRetry(a, timeouts, 10_000, () => 0.5);
      if (!step.retry) {
        expect(step.reason).toBe('attempt 4 of 4 was the last');
        break;
      }
      a = step.next;
      due.push(a.retry?.due_at ?? NaN);
      expect(a.idempotency_key).toBe(attemptKey('k1', attemptOf(a)));
      expect(a.decision_key).toBe('d1');
    }
    // 1 s, 2 s, then capped at max_ms.
    expect(due).toEqual([11_000, 12_000, 13_000]);
    expect(new Set([attemptKey('k1', 1), attemptKey('k1', 2), attemptKey('k1', 3)]).size).toBe(3);
    expect(attemptKey('k1', 1)).toBe('k1');
  });

  it('draws the jitter from the random source it is given', () => {
    const step = nextRetry(retry({ backoff: { ...backoff, jitter: 'full' } }), timeouts, 0, () => 0.25);
    expect(step.retry && step.next.retry).toMatchObject({ attempt: 2, delay_ms: 250, due_at: 250 });
  });

  it('stops for a signature a retry cannot fix, and for any other action', () => {
    const schema = [
      { signature: 'schema_mismatch', count: 5 },
      { signature: 'timeout', count: 1 },
    ];
    expect(nextRetry(retry(), schema, 0, () => 0)).toEqual({
      retry: false,
      reason: 'schema_mismatch errors: a retry will not fix them',
    });
    const skip = { ...retry(), spec: defaultAction('skip_stage') };
    expect(nextRetry(skip, timeouts, 0, () => 0)).toEqual({
      retry: false,
      reason: 'skip_stage is not retried',
    });
  });
});
