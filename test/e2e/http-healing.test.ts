/**
 * Chaos tests of the self-healing loop through the real app and store with a fake clock: a flapping
 * pipeline, a fleet-wide outage, dry run and the kill switch, a decision delivered twice, an
 * orchestrator that fails or hangs, approvals and their scope. Every action must have an audit record.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { FlexiRoasterExecutor, SqlActionStore, WebhookExecutor } from '../../src/adapters/index.js';
import { composeHealing, type HealingOptions } from '../../src/compose-healing.js';
import { parseRunbook, type GuardConfig } from '../../src/healing/index.js';
import type { ActionRow, AnomalyRow, AuditEntry } from '../../src/ports/index.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const MIN = 60_000;

/** A stand-in orchestrator control API that records calls and answers as told. */
async function orchestrator() {
  const calls: { at: number; method: string; url: string }[] = [];
  const state = { mode: 'ok' as 'ok' | 'fail' | 'hang', now: () => 0 };
  const app: FastifyInstance = Fastify({ forceCloseConnections: true });
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_r, body, done) => done(null, body));
  app.all('/*', async (req, reply) => {
    calls.push({ at: state.now(), method: req.method, url: req.url });
    if (state.mode === 'hang') await new Promise((r) => setTimeout(r, 1500));
    if (state.mode === 'fail') return reply.code(500).send({ error: 'down' });
    return reply.code(202).send({ success: true, execution_id: `run-${calls.length}` });
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url, calls, state };
}
type Orchestrator = Awaited<ReturnType<typeof orchestrator>>;

const retryOnFailure = (over: Record<string, unknown> = {}) =>
  parseRunbook(
    {
      name: 'retry-on-failure',
      priority: 100,
      mode: 'live',
      when: {
        all: [
          { field: 'snapshot.failure_rate', op: '>=', value: 0.5 },
          { field: 'snapshot.sampled_events', op: '>=', value: 2 },
        ],
      },
      actions: ['retry_stage'],
      ...over,
    },
    'retry-on-failure',
  );

/** The runbook with one attempt per retry (tests about a single call or a single failed fix). */
const oneAttempt = () =>
  retryOnFailure({ actions: [{ action: 'retry_stage', params: { max_attempts: 1 } }] });

/** Executor calls time out after `timeoutMs` (generous: the machine may be busy; the hang test lowers it). */
function options(
  orch: Orchestrator,
  guards: Partial<GuardConfig>,
  over: Partial<HealingOptions> = {},
  timeoutMs = 5000,
): HealingOptions {
  return {
    runbooks: [retryOnFailure()],
    runbookSource: 'test',
    guards: { cooldownMs: 0, ...guards },
    killSwitchFlag: false,
    executors: (catalog) => [
      new FlexiRoasterExecutor({
        baseUrl: `${orch.url}/api`,
        catalog,
        retry: { timeoutMs, maxAttempts: 3, backoffMs: 1, maxBackoffMs: 2 },
      }),
    ],
    intervalMs: 1000,
    service: { verifyDeadlineMs: 10 * MIN, tickBucketMs: 5 * MIN },
    owner: 'test-process',
    ...over,
  };
}

let k: TestApp | null = null;
let orch: Orchestrator | null = null;
afterEach(async () => {
  if (k !== null) await everyActionAudited(k);
  await k?.close();
  await orch?.app.close();
  k = null;
  orch = null;
});

async function start(
  guards: Partial<GuardConfig>,
  over: Partial<HealingOptions> = {},
  apiKeys?: string,
  timeoutMs?: number,
) {
  orch = await orchestrator();
  k = await startTestApp({ healing: options(orch, guards, over, timeoutMs), apiKeys });
  const clock = k.clock;
  orch.state.now = () => clock.now();
  return { app: k, orch, healing: k.healing! };
}

/** Runs of a pipeline that started and finished a minute apart ending now, with these statuses. */
async function runs(app: TestApp, pipelineId: string, statuses: ('completed' | 'failed')[], auth?: string) {
  const now = app.clock.now();
  const body = statuses.map((status, i) => ({
    pipeline_id: pipelineId,
    execution_id: `${pipelineId}-${now}-${i}`,
    status,
    started_at: new Date(now - (statuses.length - i) * 1000 - 500).toISOString(),
    completed_at: new Date(now - (statuses.length - i - 1) * 1000).toISOString(),
    duration_seconds: 1,
  }));
  const r = await app.app.inject({
    method: 'POST',
    url: '/api/monitoring/ingest',
    payload: body,
    headers: auth === undefined ? {} : { authorization: `Bearer ${auth}` },
  });
  expect(r.statusCode).toBe(200);
}

async function actions(app: TestApp): Promise<ActionRow[]> {
  return (await app.healing!.admin.listActions({ limit: 1000, offset: 0 })).items;
}

async function audit(app: TestApp): Promise<AuditEntry[]> {
  return (await app.healing!.admin.listAudit({ limit: 1000, offset: 0 })).items;
}

async function everyActionAudited(app: TestApp): Promise<void> {
  const log = await audit(app);
  for (const a of await actions(app)) {
    const mine = log.filter((e) => e.action_id === a.id);
    expect(mine.length, `action ${a.action} ${a.status} has an audit record`).toBeGreaterThan(0);
    expect(mine.some((e) => e.kind === 'decision')).toBe(true);
    // Never left in flight once the loop is idle.
    expect(['planned', 'executing']).not.toContain(a.status);
  }
}

/** Another service process on the app's store (a restart, or a second process): fresh memory, same tables. */
async function anotherProcess(app: TestApp, orch: Orchestrator, over: Partial<HealingOptions>, name: string) {
  let ids = 0;
  return composeHealing({
    sql: app.store.sql,
    clock: app.clock,
    newId: () => `${name}-${++ids}`,
    engine: app.engine,
    catalog: {
      getPipeline: async () => null,
      listVersions: async () => [],
      previousVersion: async () => null,
    },
    incidents: { save: async () => undefined, openIncidents: async () => [] },
    options: { ...options(orch, {}), ...over, owner: name },
    onError: (err) => {
      throw err;
    },
  });
}

/** The guards' names that said no in an audit record. */
const failedGuardNames = (e: AuditEntry) =>
  (e.detail.guards as { name: string; passed: boolean }[]).filter((g) => !g.passed).map((g) => g.name);

describe('self-healing loop (chaos, fake clock)', { timeout: 120_000 }, () => {
  it('a flapping pipeline never gets more actions than the rate limit, and the breaker opens after N failed fixes', async () => {
    const rateLimitMax = 3;
    const { app, orch, healing } = await start({
      rateLimitMax,
      rateLimitWindowMs: 60 * MIN,
      breakerFailures: 2,
      breakerCoolMs: 120 * MIN,
      flapFlips: 1000,
    });
    // Fails, recovers, fails…: every 5 minutes the pipeline fails twice, then a fix's run fails too.
    for (let step = 0; step < 20; step++) {
      app.clock.advance(5 * MIN);
      await runs(app, 'flappy', step % 2 === 0 ? ['failed', 'failed'] : ['completed', 'failed']);
      await app.anomaly.flush();
      await healing.service.tick();
    }
    const calls = orch.calls.map((c) => c.at).sort((a, b) => a - b);
    expect(calls.length).toBeGreaterThan(0);
    for (const t of calls)
      expect(calls.filter((u) => u >= t && u < t + 60 * MIN).length).toBeLessThanOrEqual(rateLimitMax);
    const log = await audit(app);
    const opened = log.filter(
      (e) => e.kind === 'control' && /circuit breaker opened/.test(String(e.detail.reason)),
    );
    expect(opened.length).toBeGreaterThan(0);
    const failedFixes = (await actions(app)).filter((a) => a.status === 'failed');
    expect(failedFixes.length).toBeGreaterThanOrEqual(2);
    // While open (120 min), nothing is executed for the pipeline.
    const openedAt = Math.min(...opened.map((e) => Date.parse(String(e.at))));
    expect(orch.calls.filter((c) => c.at > openedAt && c.at < openedAt + 120 * MIN)).toEqual([]);
    expect(
      log.some((e) => e.status === 'denied' && JSON.stringify(e.detail.guards).includes('"circuit_breaker"')),
    ).toBe(true);
    // Outcomes became training labels joined to their trigger.
    const labels = await healing.admin.listOutcomes({ limit: 100, offset: 0 });
    expect(labels.items.some((l) => l.label === 'not_fixed' && l.pipeline_id === 'flappy')).toBe(true);
  });

  it('a fleet-wide outage: the fleet cap holds and an incident is recorded', async () => {
    const { app, orch, healing } = await start({ fleetCap: 2 });
    for (let i = 0; i < 8; i++)
      await runs(app, `p${i}`, i % 2 === 0 ? ['failed', 'failed', 'failed'] : ['completed', 'completed']);
    await app.anomaly.flush();
    await healing.service.tick();
    const acted = new Set(
      (await actions(app)).filter((a) => a.status !== 'dry_run').map((a) => a.pipeline_id),
    );
    expect(acted.size).toBe(2);
    expect(new Set(orch.calls.map((c) => c.url.split('/')[3])).size).toBe(2);
    const incidents = await app.anomaly.listIncidents({ limit: 100, offset: 0 });
    const fleet = incidents.items.filter((i) => i.kind === 'healing' && i.pipeline_id === '(fleet)');
    expect(fleet).toHaveLength(1);
    expect(fleet[0]).toMatchObject({ status: 'open', title: expect.stringMatching(/cap of 2/) });
    const denied = (await audit(app)).filter((e) => e.status === 'denied');
    expect(denied.some((e) => JSON.stringify(e.detail.guards).includes('a human must look'))).toBe(true);
  });

  it('dry run plans and audits but never calls an executor', async () => {
    const { app, orch, healing } = await start({ dryRun: true });
    await runs(app, 'p1', ['failed', 'failed']);
    await healing.service.tick();
    expect(orch.calls).toEqual([]);
    const [a] = await actions(app);
    expect(a).toMatchObject({ action: 'retry_stage', status: 'dry_run', executor: null });
  });

  it('the kill switch (by API, admin only) stops every executor call', async () => {
    const { app, orch, healing } = await start({}, {}, 'reader:read;actor:act;boss:admin');
    const set = (key: string, enabled: boolean) =>
      app.app.inject({
        method: 'POST',
        url: '/api/healing/kill-switch',
        payload: { enabled },
        headers: { authorization: `Bearer ${key}` },
      });
    expect((await set('actor', true)).statusCode).toBe(403);
    expect((await set('boss', true)).json()).toEqual({ kill_switch: true });
    const status = await app.app.inject({ url: '/api/status', headers: { authorization: 'Bearer reader' } });
    expect(status.json().healing).toMatchObject({ kill_switch: true, dry_run: false });
    await runs(app, 'p1', ['failed', 'failed'], 'boss');
    await healing.service.tick();
    expect(orch.calls).toEqual([]);
    expect(await actions(app)).toEqual([]);
    const denied = (await audit(app)).find((e) => e.status === 'denied');
    expect(denied?.detail.guards).toContainEqual({
      name: 'kill_switch',
      passed: false,
      detail: 'kill switch is on',
    });
    expect((await set('boss', false)).json()).toEqual({ kill_switch: false });
    app.clock.advance(6 * MIN);
    await runs(app, 'p1', ['failed', 'failed'], 'boss');
    await healing.service.tick();
    expect(orch.calls.length).toBeGreaterThan(0);
  });

  it('the same decision delivered twice (and to a second process) executes once', async () => {
    const { app, orch, healing } = await start({});
    await runs(app, 'p1', ['failed', 'failed']);
    await app.anomaly.flush();
    const anomaly: AnomalyRow = {
      id: 'anomaly-1',
      kind: 'execution',
      pipeline_id: 'p1',
      execution_id: 'x',
      metric: null,
      detected_at: app.clock.now(),
      score: 0.9,
      reasons: ['failed twice'],
      algorithm: 'zscore_rules',
      model_version: null,
      contributions: {},
      inputs: {},
      incident_id: null,
    };
    healing.service.onFindings({ anomalies: [anomaly], incidents: [] });
    healing.service.onFindings({ anomalies: [anomaly], incidents: [] });
    await healing.service.flush();
    // A second service process on the same store decides the same (same key).
    const second = await anotherProcess(app, orch, {}, 'second-process');
    second.service.onFindings({ anomalies: [anomaly], incidents: [] });
    await second.service.flush();
    const mine = (await actions(app)).filter((a) => a.trigger_id === 'anomaly-1');
    expect(mine).toHaveLength(1);
    expect(orch.calls.filter((c) => c.url.endsWith('/execute'))).toHaveLength(1);
    await second.service.stop();
  });

  for (const mode of ['fail', 'hang'] as const) {
    it(`an orchestrator that ${mode === 'fail' ? 'answers 500' : 'times out'} is retried, then the action is failed, never left pending`, async () => {
      const { app, orch, healing } = await start({}, {}, undefined, mode === 'hang' ? 300 : undefined);
      orch.state.mode = mode;
      await runs(app, 'p1', ['failed', 'failed']);
      await healing.service.tick();
      expect(orch.calls).toHaveLength(3);
      // The retry's next attempts (max_attempts 3), each after its backoff (under 1 s, then 2 s).
      for (const attempt of [2, 3]) {
        app.clock.advance(5000);
        await healing.service.tick();
        expect(orch.calls).toHaveLength(3 * attempt);
      }
      const all = await actions(app);
      expect(all).toHaveLength(3);
      for (const a of all) {
        expect(a).toMatchObject({ status: 'failed', executor: 'flexiroaster', attempts: 3 });
        expect(a.result).toMatchObject({ ok: false, status_code: mode === 'fail' ? 500 : null });
        // A later attempt was planned (one decision record), then passed the guards (another).
        const log = (await audit(app)).filter((e) => e.action_id === a.id);
        const decisions = a.decided?.retry === undefined ? ['decision'] : ['decision', 'decision'];
        expect(log.map((e) => e.kind).sort()).toEqual([...decisions, 'execution']);
      }
      expect((await healing.admin.listActions({ limit: 10, offset: 0, status: 'executing' })).total).toBe(0);
    });
  }

  it('a webhook that answers 500 is retried, then recorded failed', async () => {
    const hook = await orchestrator();
    hook.state.mode = 'fail';
    const { app, healing } = await start(
      {},
      {
        runbooks: [oneAttempt()],
        executors: () => [
          new WebhookExecutor({
            url: `${hook.url}/hook`,
            secret: 's',
            clock: { now: () => 0 },
            retry: { timeoutMs: 5000, maxAttempts: 2, backoffMs: 1, maxBackoffMs: 1 },
          }),
        ],
      },
    );
    await runs(app, 'p1', ['failed', 'failed']);
    await healing.service.tick();
    expect(hook.calls).toHaveLength(2);
    expect((await actions(app))[0]).toMatchObject({ status: 'failed', executor: 'webhook', attempts: 2 });
    await hook.app.close();
  });

  it('an action no executor supports is recorded unsupported and escalated', async () => {
    const scale = parseRunbook(
      { name: 'scale', mode: 'live', when: retryOnFailure().when, actions: ['scale_workers'] },
      'scale',
    );
    const { app, orch, healing } = await start({}, { runbooks: [scale] });
    await runs(app, 'p1', ['failed', 'failed']);
    await healing.service.tick();
    expect(orch.calls).toEqual([]);
    expect((await actions(app))[0]).toMatchObject({ action: 'scale_workers', status: 'unsupported' });
    const incidents = await app.anomaly.listIncidents({ limit: 10, offset: 0, pipeline_id: 'p1' });
    expect(incidents.items.some((i) => i.kind === 'healing' && i.status === 'open')).toBe(true);
  });

  it('an unsupported action escalates without counting as a failed fix, and frees its fleet-cap slot', async () => {
    const scaleP1 = parseRunbook(
      {
        name: 'scale-p1',
        priority: 200,
        mode: 'live',
        when: { all: [retryOnFailure().when, { field: 'pipeline.id', op: '==', value: 'p1' }] },
        actions: ['scale_workers'],
      },
      'scale-p1',
    );
    const { app, orch, healing } = await start(
      { breakerFailures: 1, fleetCap: 1 },
      { runbooks: [scaleP1, retryOnFailure()] },
    );
    for (let i = 0; i < 2; i++) {
      app.clock.advance(6 * MIN);
      await runs(app, 'p1', ['failed', 'failed']);
      await healing.service.tick();
      expect(healing.guards.breakerState('p1', app.clock.now())).toBe('closed');
      expect(healing.guards.underRemediation(app.clock.now())).toEqual([]);
    }
    // Each tick (and the anomaly the failures raised) decided again: never held back by the breaker.
    const p1 = (await actions(app)).filter((a) => a.pipeline_id === 'p1');
    expect(p1.length).toBeGreaterThanOrEqual(2);
    expect(new Set(p1.map((a) => `${a.action} ${a.status}`))).toEqual(new Set(['scale_workers unsupported']));
    const log = await audit(app);
    expect(log.some((e) => /circuit breaker/.test(String(e.detail.reason)))).toBe(false);
    expect(log.filter((e) => e.kind === 'control' && e.status === 'escalated')).toHaveLength(p1.length);
    expect((await healing.admin.listOutcomes({ limit: 10, offset: 0 })).total).toBe(0);
    // The cap of one is free: another pipeline is acted on.
    await runs(app, 'p2', ['failed', 'failed']);
    await healing.service.tick();
    expect(orch.calls.map((c) => c.url)).toEqual(['/api/executions/p2/execute']);
  });

  it('an unsupported action beside a fix being verified keeps the fleet-cap slot that fix holds', async () => {
    const both = retryOnFailure({ name: 'retry-and-scale', actions: ['retry_stage', 'scale_workers'] });
    const { app, orch, healing } = await start({ fleetCap: 1 }, { runbooks: [both] });
    await runs(app, 'p1', ['failed', 'failed']);
    await healing.service.tick();
    expect((await actions(app)).map((a) => `${a.action} ${a.status}`).sort()).toEqual([
      'retry_stage verifying',
      'scale_workers unsupported',
    ]);
    expect(healing.guards.underRemediation(app.clock.now())).toEqual(['p1']);
    await runs(app, 'p2', ['failed', 'failed']);
    await healing.service.tick();
    expect(orch.calls.map((c) => c.url)).toEqual(['/api/executions/p1/execute']);
    // The retry is verified: the slot is free and p2 is acted on.
    app.clock.advance(2 * MIN);
    await runs(app, 'p1', ['completed']);
    await healing.service.tick();
    expect(healing.guards.underRemediation(app.clock.now())).toEqual(['p2']);
    expect(orch.calls.map((c) => c.url)).toEqual([
      '/api/executions/p1/execute',
      '/api/executions/p2/execute',
    ]);
  });

  it('two processes on one store: each reads the guard state of a pipeline before acting for it', async () => {
    const guards = { cooldownMs: 30 * MIN };
    const { app, orch, healing } = await start(guards);
    const other = await anotherProcess(app, orch, { guards }, 'other');
    await runs(app, 'p1', ['failed', 'failed']);
    await healing.service.tick();
    expect(orch.calls).toHaveLength(1);
    // Ten minutes on (a new tick bucket, so a new decision): the other process sees the cooldown.
    app.clock.advance(10 * MIN);
    await other.service.tick();
    expect(orch.calls).toHaveLength(1);
    const denied = (await audit(app)).filter((e) => e.status === 'denied' && e.pipeline_id === 'p1');
    expect(denied.map(failedGuardNames)).toEqual([['cooldown']]);
    await other.service.stop();
  });

  it('a restart keeps the guards: an open breaker still blocks, and no executor is called', async () => {
    const guards = { breakerFailures: 1, breakerCoolMs: 120 * MIN };
    const { app, orch, healing } = await start(guards, { runbooks: [oneAttempt()] });
    await runs(app, 'p1', ['failed', 'failed']);
    await healing.service.tick();
    expect(orch.calls).toHaveLength(1);
    // The fix's next run fails: the breaker opens.
    app.clock.advance(2 * MIN);
    await runs(app, 'p1', ['failed']);
    await healing.service.tick();
    expect(healing.guards.breakerState('p1', app.clock.now())).toBe('open');
    await healing.service.stop();

    const restarted = await anotherProcess(app, orch, { guards, runbooks: [oneAttempt()] }, 'restarted');
    expect(restarted.guards.breakerState('p1', app.clock.now())).toBe('open');
    app.clock.advance(10 * MIN);
    await runs(app, 'p1', ['failed', 'failed']);
    await restarted.service.tick();
    expect(orch.calls).toHaveLength(1);
    const denied = (await audit(app)).filter(
      (e) => e.kind === 'decision' && e.status === 'denied' && e.at >= app.clock.now(),
    );
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.every((e) => failedGuardNames(e)[0] === 'circuit_breaker')).toBe(true);
    await restarted.service.stop();
  });

  it('a restart mid-backoff neither loses nor repeats the pending retry attempt', async () => {
    // A long cooldown: attempts of the decision pass it, new decisions do not (only attempts act).
    const guards = { cooldownMs: 30 * MIN };
    const { app, orch, healing } = await start(guards);
    await runs(app, 'p1', ['failed', 'failed']);
    await healing.service.tick();
    expect(orch.calls).toHaveLength(1);
    // The attempt's next run fails: attempt 2 is planned, due within base_ms (full jitter).
    app.clock.advance(2 * MIN);
    await runs(app, 'p1', ['failed']);
    await healing.service.flush();
    const status = await app.app.inject({ url: '/api/status' });
    expect(status.json().healing).toMatchObject({ retries_pending: 1 });
    await healing.service.stop();

    const restarted = await anotherProcess(app, orch, { guards }, 'restarted');
    expect(restarted.service.pendingRetries()).toBe(1);
    app.clock.advance(5000);
    await restarted.service.tick();
    await restarted.service.tick();
    expect(orch.calls).toHaveLength(2);
    const attempts = (await actions(app)).filter((a) => a.action === 'retry_stage');
    expect(
      attempts.map((a) => [a.status, (a.decided?.retry as { attempt?: number } | undefined)?.attempt]),
    ).toEqual([
      ['verifying', 2],
      ['failed', undefined],
    ]);
    expect(new Set(attempts.map((a) => a.idempotency_key)).size).toBe(2);
    await restarted.service.stop();
  });

  it('a restart keeps the cooldown and the fleet-cap slot; one cut off mid-call is released', async () => {
    const guards = { cooldownMs: 30 * MIN, fleetCap: 1 };
    const { app, orch, healing } = await start(guards);
    await runs(app, 'p1', ['failed', 'failed']);
    await healing.service.tick();
    expect(orch.calls).toHaveLength(1);
    const [acted] = await actions(app);
    expect(acted.status).toBe('verifying');
    await healing.service.stop();

    // Restarted 5 min later (p1's window still failing, no run after the action yet): p1 is cooling
    // down and still under remediation, so p2 waits.
    app.clock.advance(5 * MIN);
    const second = await anotherProcess(app, orch, { guards }, 'second');
    await runs(app, 'p2', ['failed', 'failed']);
    await second.service.tick();
    expect(orch.calls).toHaveLength(1);
    const denied = (await audit(app)).filter((e) => e.status === 'denied');
    expect(denied.filter((e) => e.pipeline_id === 'p1').map(failedGuardNames)).toEqual([['cooldown']]);
    expect(denied.filter((e) => e.pipeline_id === 'p2').map(failedGuardNames)).toEqual([['fleet_cap']]);
    await second.service.stop();

    // The process stopped while p1's action was executing (the call's outcome unknown): at the next
    // start it is escalated to a human and its slot freed, so p2 is acted on.
    await new SqlActionStore(app.store.sql).transition(acted.id, ['verifying'], { status: 'executing' }, 0);
    app.clock.advance(5 * MIN);
    const third = await anotherProcess(app, orch, { guards }, 'third');
    expect((await actions(app)).find((a) => a.id === acted.id)?.status).toBe('escalated');
    expect(third.guards.underRemediation(app.clock.now())).toEqual([]);
    await runs(app, 'p2', ['failed', 'failed']);
    await third.service.tick();
    expect(orch.calls.map((c) => c.url)).toEqual([
      '/api/executions/p1/execute',
      '/api/executions/p2/execute',
    ]);
    await third.service.stop();
  });

  it('a risky action waits for approval: needs the act scope, executes once approved, then verifies', async () => {
    const risky = retryOnFailure({ requires_approval: true });
    const { app, orch, healing } = await start({}, { runbooks: [risky] }, 'reader:read;actor:act;boss:admin');
    await runs(app, 'p1', ['failed', 'failed'], 'boss');
    await healing.service.tick();
    expect(orch.calls).toEqual([]);
    const list = await app.app.inject({
      url: '/api/healing/approvals?status=pending',
      headers: { authorization: 'Bearer reader' },
    });
    expect(list.json().total).toBe(1);
    const id = list.json().items[0].id as string;
    const approve = (key: string) =>
      app.app.inject({
        method: 'POST',
        url: `/api/healing/approvals/${id}/approve`,
        headers: { authorization: `Bearer ${key}` },
      });
    expect((await approve('reader')).statusCode).toBe(403);
    const ok = await approve('actor');
    expect(ok.statusCode).toBe(200);
    expect(ok.json().action).toMatchObject({ status: 'verifying', executor: 'flexiroaster' });
    expect(orch.calls).toHaveLength(1);
    expect((await approve('actor')).statusCode).toBe(409);
    // The next run after the action completes: verified, labelled fixed.
    app.clock.advance(2 * MIN);
    await runs(app, 'p1', ['completed'], 'boss');
    await healing.service.tick();
    const acted = (await actions(app)).find((a) => a.id === ok.json().action.id);
    expect(acted).toMatchObject({ status: 'succeeded' });
    const labels = await healing.admin.listOutcomes({ limit: 10, offset: 0 });
    expect(labels.items[0]).toMatchObject({ label: 'fixed', pipeline_id: 'p1', action: 'retry_stage' });
    const auditRes = await app.app.inject({
      url: '/api/audit?pipeline_id=p1&action=retry_stage',
      headers: { authorization: 'Bearer reader' },
    });
    expect(auditRes.json().items.map((e: AuditEntry) => e.kind)).toEqual(
      expect.arrayContaining(['decision', 'approval', 'execution', 'verification']),
    );
  });

  it('an approval request expires when nobody answers', async () => {
    const risky = retryOnFailure({ requires_approval: true });
    const { app, healing } = await start({ approvalTtlMs: 10 * MIN }, { runbooks: [risky] });
    await runs(app, 'p1', ['failed', 'failed']);
    await healing.service.tick();
    app.clock.advance(11 * MIN);
    await healing.service.tick();
    const a = (await actions(app)).at(-1) as ActionRow;
    expect(a.status).toBe('expired');
    const ap = (await healing.admin.listApprovals({ limit: 10, offset: 0 })).items.at(-1)!;
    expect(ap.status).toBe('expired');
    const late = await app.app.inject({ method: 'POST', url: `/api/healing/approvals/${ap.id}/approve` });
    expect(late.statusCode).toBe(409);
  });

  it('runbooks: list, validate (400 naming runbook, path and problem), disable by admin', async () => {
    const { app, healing } = await start({}, {}, 'reader:read;boss:admin');
    const get = await app.app.inject({
      url: '/api/healing/runbooks',
      headers: { authorization: 'Bearer reader' },
    });
    expect(get.json().items.map((r: { name: string; enabled: boolean }) => [r.name, r.enabled])).toEqual([
      ['retry-on-failure', true],
    ]);
    const bad = await app.app.inject({
      method: 'POST',
      url: '/api/healing/runbooks/validate',
      headers: { authorization: 'Bearer reader' },
      payload: {
        name: 'broken',
        when: { field: 'snapshot.failure_rate', op: '>=', value: 0.5 },
        actions: [{ action: 'retry_stage', params: { max_attempts: -1 } }],
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: 'RUNBOOK_INVALID',
      runbook: 'broken',
      field: expect.stringContaining('actions.0'),
    });
    expect(bad.json().error.message).toMatch(/broken/);
    const good = await app.app.inject({
      method: 'POST',
      url: '/api/healing/runbooks/validate',
      headers: { authorization: 'Bearer reader' },
      payload: {
        name: 'fine',
        when: { field: 'snapshot.failure_rate', op: '>=', value: 0.5 },
        actions: ['pause_pipeline'],
      },
    });
    expect(good.json()).toMatchObject({ valid: true });
    const off = (key: string) =>
      app.app.inject({
        method: 'POST',
        url: '/api/healing/runbooks/retry-on-failure/disable',
        headers: { authorization: `Bearer ${key}` },
      });
    expect((await off('reader')).statusCode).toBe(403);
    expect((await off('boss')).json()).toMatchObject({ name: 'retry-on-failure', enabled: false });
    await runs(app, 'p1', ['failed', 'failed'], 'boss');
    await healing.service.tick();
    expect(await actions(app)).toEqual([]);
    const listed = await app.app.inject({
      url: '/api/audit?status=runbook_disabled',
      headers: { authorization: 'Bearer reader' },
    });
    expect(listed.json().total).toBe(1);
  });
});
