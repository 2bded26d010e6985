import { describe, expect, it } from 'vitest';
import { ValidationError } from '../shared/index.js';
import { parsePlanRequest, planRiskLevel, planSelfHealing } from './plan.js';

const plan = (body: unknown) => planSelfHealing(parsePlanRequest(body));

describe('the original self-healing plan', () => {
  it('the original case: high risk, approval, scale_resources', () => {
    const p = plan({
      risk_score: 0.85,
      primary_cause: 'resource_bottleneck',
      failing_stage: 'transform',
      retry_count: 1,
      human_approval_mode: false,
      parallelizable: true,
    });
    expect(p.risk_level).toBe('high');
    expect(p.requires_human_approval).toBe(true);
    expect(p.actions.map((a) => [a.type, a.action_id])).toEqual([
      ['retry_failed_stage', 'retry_stage'],
      ['scale_resources', 'scale_workers'],
      ['increase_timeout', 'increase_timeout'],
    ]);
    expect(p.actions[0]).toMatchObject({ stage: 'transform', max_attempts: 3, advice_only: false });
    expect(p.rollback_plan.length).toBeGreaterThan(0);
    expect(p.reason).toContain('resource_bottleneck');
  });

  it('a low-risk connection case: retry, restart, fallback, no approval', () => {
    const p = plan({
      risk_score: 0.2,
      primary_cause: 'connection_issue',
      failing_stage: 'extract',
      retry_count: 0,
    });
    expect(p.risk_level).toBe('low');
    expect(p.requires_human_approval).toBe(false);
    expect(p.actions.map((a) => a.type)).toEqual([
      'retry_failed_stage',
      'restart_worker',
      'switch_fallback_service',
    ]);
    expect(p.actions[2].action_id).toBe('switch_fallback');
  });

  it('no retry from 3 retries on; parallelizing is advice only, up to risk 0.6; approval when asked', () => {
    const p = plan({ risk_score: 0.6, retry_count: 3, parallelizable: true, human_approval_mode: true });
    expect(p.actions).toEqual([
      {
        type: 'parallelize_pipeline_stages',
        mode: 'safe_non_critical_only',
        action_id: null,
        advice_only: true,
      },
    ]);
    expect(p).toMatchObject({ risk_level: 'medium', requires_human_approval: true });
  });

  it('risk levels: low < 0.6 ≤ medium < 0.8 ≤ high', () => {
    expect([0, 0.59, 0.6, 0.79, 0.8, 1].map(planRiskLevel)).toEqual([
      'low',
      'low',
      'medium',
      'medium',
      'high',
      'high',
    ]);
  });

  it('missing or null numbers are 0, missing words unknown', () => {
    expect(parsePlanRequest({ risk_score: null })).toEqual({
      risk_score: 0,
      primary_cause: 'unknown',
      failing_stage: 'unknown',
      retry_count: 0,
      human_approval_mode: false,
      parallelizable: false,
    });
  });

  it.each([
    ['body', [1]],
    ['risk_score', { risk_score: '0.9' }],
    ['risk_score', { risk_score: 1.5 }],
    ['retry_count', { retry_count: -1 }],
    ['primary_cause', { primary_cause: 3 }],
    ['human_approval_mode', { human_approval_mode: 'yes' }],
  ])('names the field at fault: %s', (field, body) => {
    expect(() => parsePlanRequest(body)).toThrow(ValidationError);
    try {
      parsePlanRequest(body);
    } catch (e) {
      expect((e as ValidationError).field).toBe(field);
    }
  });
});
