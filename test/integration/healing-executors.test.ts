import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  FlexiRoasterExecutor,
  WEBHOOK_HEADERS,
  WebhookExecutor,
  webhookSignature,
} from '../../src/adapters/index.js';
import { createFleet, demoControlApi, type DemoFleet } from '../../src/demo/index.js';
import type { ActionRequest, PipelineCatalog, PipelineInfo } from '../../src/ports/index.js';
import { FakeClock } from '../../src/shared/index.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const request = (over: Partial<ActionRequest> = {}): ActionRequest => ({
  action_id: 'act-1',
  action: 'retry_stage',
  params: { max_attempts: 3 },
  pipeline_id: 'p1',
  execution_id: 'e1',
  stage_id: null,
  idempotency_key: 'key-1',
  ...over,
});
// Generous per-attempt timeout (the machine may be busy); the timeout test sets its own.
const fast = { timeoutMs: 5000, maxAttempts: 3, backoffMs: 1, maxBackoffMs: 5 };
const never = () => new AbortController().signal;

/** A receiver that answers with the statuses in `script` in turn (then 200), or hangs on 0. */
async function receiver(script: number[]) {
  const calls: { headers: Record<string, string | string[] | undefined>; raw: string }[] = [];
  // Aborted calls leave sockets open; close must not wait for them.
  const app = Fastify({ forceCloseConnections: true });
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_r, body, done) => done(null, body));
  app.post('/hook', async (req, reply) => {
    calls.push({ headers: req.headers, raw: req.body as string });
    const status = script[calls.length - 1] ?? 200;
    if (status === 0) await new Promise((r) => setTimeout(r, 1000));
    return reply.code(status).send({ got: calls.length });
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `${url}/hook`, calls };
}

describe('webhook executor', () => {
  let server: Awaited<ReturnType<typeof receiver>> | null = null;
  afterEach(async () => {
    await server?.app.close();
    server = null;
  });

  it('posts the action as JSON signed over timestamp + "." + body, with the idempotency key', async () => {
    server = await receiver([200]);
    const clock = new FakeClock(T0);
    const exec = new WebhookExecutor({ url: server.url, secret: 's3cret', clock, retry: fast });
    const result = await exec.execute(request(), never());
    expect(result).toMatchObject({
      ok: true,
      status_code: 200,
      attempts: 1,
      error: null,
      executor: 'webhook',
    });
    expect(result.response_excerpt).toBe('{"got":1}');
    const [call] = server.calls;
    const ts = call.headers[WEBHOOK_HEADERS.timestamp] as string;
    expect(ts).toBe(String(T0 / 1000));
    expect(call.headers[WEBHOOK_HEADERS.signature]).toBe(webhookSignature('s3cret', ts, call.raw));
    expect(call.headers[WEBHOOK_HEADERS.signature]).not.toBe(webhookSignature('other', ts, call.raw));
    expect(call.headers[WEBHOOK_HEADERS.idempotencyKey]).toBe('key-1');
    expect(JSON.parse(call.raw)).toMatchObject({
      action: 'retry_stage',
      pipeline_id: 'p1',
      params: { max_attempts: 3 },
    });
    expect(exec.supports('open_ticket') && exec.supports('scale_workers')).toBe(true);
  });

  it('retries 5xx with backoff, then reports failed with every attempt counted', async () => {
    server = await receiver([500, 503, 500]);
    const exec = new WebhookExecutor({
      url: server.url,
      secret: null,
      clock: new FakeClock(T0),
      retry: fast,
    });
    const result = await exec.execute(request(), never());
    expect(result).toMatchObject({ ok: false, status_code: 500, attempts: 3, error: 'HTTP 500' });
    expect(server.calls).toHaveLength(3);
    // The same body and key every time; no signature without a secret.
    expect(new Set(server.calls.map((c) => c.raw)).size).toBe(1);
    expect(server.calls[0].headers[WEBHOOK_HEADERS.signature]).toBeUndefined();
  });

  it('succeeds on a later attempt after a 500', async () => {
    server = await receiver([500, 200]);
    const exec = new WebhookExecutor({ url: server.url, secret: 'k', clock: new FakeClock(T0), retry: fast });
    expect(await exec.execute(request(), never())).toMatchObject({ ok: true, attempts: 2, status_code: 200 });
  });

  it('does not retry a 4xx answer', async () => {
    server = await receiver([422]);
    const exec = new WebhookExecutor({ url: server.url, secret: 'k', clock: new FakeClock(T0), retry: fast });
    expect(await exec.execute(request(), never())).toMatchObject({
      ok: false,
      attempts: 1,
      status_code: 422,
    });
  });

  it('times out each attempt, retries, then reports failed', async () => {
    server = await receiver([0, 0, 0]);
    const exec = new WebhookExecutor({
      url: server.url,
      secret: 'k',
      clock: new FakeClock(T0),
      retry: { ...fast, timeoutMs: 100 },
    });
    const result = await exec.execute(request(), never());
    expect(result).toMatchObject({ ok: false, status_code: null, attempts: 3 });
    expect(result.error).toMatch(/no answer within 100 ms/);
  });

  it('retries refused connections, then reports failed', async () => {
    const closed = await receiver([]);
    const url = closed.url;
    await closed.app.close();
    const exec = new WebhookExecutor({ url, secret: 'k', clock: new FakeClock(T0), retry: fast });
    const result = await exec.execute(request(), never());
    expect(result).toMatchObject({ ok: false, status_code: null, attempts: 3 });
    expect(result.error).toMatch(/connection failed/);
  });

  it('stops at once when the caller aborts', async () => {
    server = await receiver([0, 0, 0]);
    const exec = new WebhookExecutor({
      url: server.url,
      secret: 'k',
      clock: new FakeClock(T0),
      retry: { ...fast, timeoutMs: 5000 },
    });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    await expect(exec.execute(request(), ac.signal)).rejects.toThrow();
  });
});

/** The catalog as the change consumer would fill it from the fleet's rows. */
function fleetCatalog(fleet: DemoFleet): PipelineCatalog {
  const info = (id: string): PipelineInfo => {
    const p = fleet.pipeline(id);
    return {
      pipeline_id: p.id,
      name: p.name,
      version: p.version,
      definition: p.definition,
      schedule_cron: p.schedule_cron,
      timeout_seconds: p.timeout_seconds,
      is_active: p.is_active,
      tags: p.tags,
      first_seen_at: T0,
    };
  };
  return {
    getPipeline: async (id) => info(id),
    listVersions: async () => [],
    previousVersion: async (id) => {
      const p = fleet.pipeline(id);
      const prev = p.versions.filter((v) => v.version < p.version).at(-1);
      if (prev === undefined) return null;
      return {
        ...info(id),
        version: prev.version,
        definition: prev.definition,
        timeout_seconds: prev.timeout_seconds,
      };
    },
  };
}

describe('FlexiRoaster executor against the demo control API', () => {
  let app: FastifyInstance;
  let fleet: DemoFleet;
  let exec: FlexiRoasterExecutor;
  beforeAll(async () => {
    fleet = createFleet({ seed: 3, pipelines: 3, startMs: T0, faultRate: 0, emit: 'events' });
    fleet.advanceTo(T0 + 30 * 60_000);
    app = Fastify();
    await app.register(demoControlApi, { prefix: '/demo/orchestrator/api', fleet });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    exec = new FlexiRoasterExecutor({
      baseUrl: `${url}/demo/orchestrator/api/`,
      catalog: fleetCatalog(fleet),
      retry: fast,
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it('declares the actions of CONVENTIONS.md and no others', () => {
    for (const a of [
      'retry_stage',
      'pause_pipeline',
      'resume_pipeline',
      'terminate_execution',
      'rollback_pipeline',
      'increase_timeout',
      'skip_stage',
    ])
      expect(exec.supports(a)).toBe(true);
    for (const a of ['scale_workers', 'open_ticket', 'notify', 'restart_worker', 'switch_fallback'])
      expect(exec.supports(a)).toBe(false);
  });

  it('pause and resume deactivate and activate the pipeline', async () => {
    const id = fleet.pipelines()[0].id;
    const paused = await exec.execute(request({ action: 'pause_pipeline', pipeline_id: id }), never());
    expect(paused).toMatchObject({ ok: true, status_code: 200 });
    expect(paused.request).toMatchObject({
      method: 'POST',
      url: expect.stringMatching(/\/pipelines\/.+\/deactivate$/),
    });
    expect(fleet.pipeline(id).is_active).toBe(false);
    await exec.execute(request({ action: 'resume_pipeline', pipeline_id: id }), never());
    expect(fleet.pipeline(id).is_active).toBe(true);
  });

  it('retry_stage starts a new run, terminate_execution stops it', async () => {
    const id = fleet.pipelines()[1].id;
    const started = await exec.execute(request({ action: 'retry_stage', pipeline_id: id }), never());
    expect(started).toMatchObject({ ok: true, status_code: 202 });
    const executionId = (JSON.parse(started.response_excerpt ?? '{}') as { execution_id: string })
      .execution_id;
    expect(fleet.execution(executionId)).toMatchObject({
      pipeline_id: id,
      status: 'running',
      trigger_type: 'api',
    });
    const stopped = await exec.execute(
      request({ action: 'terminate_execution', pipeline_id: id, execution_id: executionId }),
      never(),
    );
    expect(stopped.ok).toBe(true);
    expect(fleet.execution(executionId).status).toBe('cancelled');
  });

  it('increase_timeout, skip_stage and rollback PUT definitions the fleet applies', async () => {
    const id = fleet.pipelines()[2].id;
    const before = fleet.pipeline(id);
    const longer = await exec.execute(
      request({ action: 'increase_timeout', pipeline_id: id, params: {} }),
      never(),
    );
    expect(longer.ok).toBe(true);
    expect(fleet.pipeline(id).timeout_seconds).toBe(Math.round(before.timeout_seconds * 1.5));
    const stage = before.stages.at(-1)?.name as string;
    const skipped = await exec.execute(
      request({ action: 'skip_stage', pipeline_id: id, params: { stage } }),
      never(),
    );
    expect(skipped.ok).toBe(true);
    const after = fleet.pipeline(id);
    expect(after.version).toBeGreaterThan(before.version);
    const marked = (after.definition.stages as { name: string; skip?: boolean }[]).find(
      (s) => s.name === stage,
    );
    expect(marked?.skip).toBe(true);
    const rolled = await exec.execute(request({ action: 'rollback_pipeline', pipeline_id: id }), never());
    expect(rolled.ok).toBe(true);
    const back = (fleet.pipeline(id).definition.stages as { name: string; skip?: boolean }[]).find(
      (s) => s.name === stage,
    );
    expect(back?.skip).toBeFalsy();
  });

  it('the webhook executor scales workers through the demo infrastructure hook (a URL known later)', async () => {
    const id = fleet.pipelines()[0].id;
    const before = fleet.pipeline(id).workers;
    const base = app.listeningOrigin;
    const hook = new WebhookExecutor({
      url: () => `${base}/demo/orchestrator/api/hooks/healing`,
      secret: null,
      clock: new FakeClock(T0),
      retry: fast,
    });
    const scaled = await hook.execute(
      request({ action: 'scale_workers', pipeline_id: id, params: { delta: 2, max: 10 } }),
      never(),
    );
    expect(scaled).toMatchObject({ ok: true, status_code: 200 });
    expect(fleet.pipeline(id).workers).toBe(before + 2);
    const refused = await hook.execute(
      request({ action: 'restart_worker', pipeline_id: id, idempotency_key: 'k9' }),
      never(),
    );
    expect(refused).toMatchObject({ ok: false, status_code: 400, attempts: 1 });
  });

  it('answers failed without a call when the action cannot be mapped', async () => {
    const r = await exec.execute(request({ action: 'terminate_execution', execution_id: null }), never());
    expect(r).toMatchObject({
      ok: false,
      attempts: 0,
      request: null,
      error: expect.stringMatching(/execution id/),
    });
    const unknown = await exec.execute(request({ action: 'pause_pipeline', pipeline_id: 'nope' }), never());
    expect(unknown).toMatchObject({ ok: false, status_code: 404, attempts: 1 });
  });
});
