import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ apiKeys: 'reader:read;ingester:ingest' });
});
afterAll(async () => {
  await t?.close();
});

const plan = (payload: unknown, key = 'reader') =>
  t.app.inject({
    method: 'POST',
    url: '/api/ai/self-healing/plan',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    payload: JSON.stringify(payload),
  });

describe('POST /api/ai/self-healing/plan', () => {
  it('answers the original case: high risk, approval, a scale_resources action mapped to scale_workers', async () => {
    const res = await plan({
      risk_score: 0.85,
      primary_cause: 'resource_bottleneck',
      failing_stage: 'transform',
      retry_count: 1,
      human_approval_mode: false,
      parallelizable: true,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ risk_level: 'high', requires_human_approval: true });
    expect(body.actions).toContainEqual(
      expect.objectContaining({
        type: 'scale_resources',
        action_id: 'scale_workers',
        cpu: '+2',
        memory: '+4Gi',
      }),
    );
    expect(body.rollback_plan.length).toBeGreaterThan(0);
    expect(typeof body.reason).toBe('string');
  });

  it('answers a low-risk connection case: low, no approval, retry_failed_stage', async () => {
    const res = await plan({
      risk_score: 0.2,
      primary_cause: 'connection_issue',
      failing_stage: 'extract',
      retry_count: 0,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ risk_level: 'low', requires_human_approval: false });
    expect(body.actions[0]).toMatchObject({
      type: 'retry_failed_stage',
      action_id: 'retry_stage',
      stage: 'extract',
    });
  });

  it('missing and null numbers mean 0', async () => {
    const res = await plan({ risk_score: null });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ risk_level: 'low', requires_human_approval: false });
  });

  it.each([
    [[1, 2], 'body'],
    [{ risk_score: 'high' }, 'risk_score'],
    [{ risk_score: 2 }, 'risk_score'],
    [{ retry_count: -3 }, 'retry_count'],
    [{ parallelizable: 'yes' }, 'parallelizable'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const res = await plan(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });

  it('needs the read scope', async () => {
    expect((await plan({}, 'ingester')).statusCode).toBe(403);
    expect((await plan({}, 'nobody')).statusCode).toBe(401);
  });
});
