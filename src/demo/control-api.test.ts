import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { demoControlApi } from './control-api.js';
import { createFleet, type DemoFleet } from './fleet.js';
import { finalExecutions, HOUR, MIN, T0 } from './testing.js';

const PREFIX = '/demo/orchestrator/api';
let app: FastifyInstance | null = null;

async function setup(): Promise<{ app: FastifyInstance; fleet: DemoFleet }> {
  const fleet = createFleet({ seed: 23, pipelines: 3, startMs: T0, faultRate: 0, emit: 'events' });
  fleet.advanceTo(T0 + 20 * MIN);
  app = Fastify();
  await app.register(demoControlApi, { prefix: PREFIX, fleet });
  return { app, fleet };
}

afterEach(async () => {
  await app?.close();
  app = null;
});

describe('demo control API', () => {
  it('lists and shows pipelines, with paging', async () => {
    const { app, fleet } = await setup();
    const list = await app.inject({ method: 'GET', url: `${PREFIX}/pipelines?limit=2&offset=1` });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({
      total: 3,
      items: [{ id: fleet.pipelines()[1].id }, { id: fleet.pipelines()[2].id }],
    });
    const one = await app.inject({ method: 'GET', url: `${PREFIX}/pipelines/${fleet.pipelines()[0].id}` });
    expect(one.json()).toMatchObject({
      name: fleet.pipelines()[0].name,
      versions: expect.any(Array),
      stages: expect.any(Array),
    });
    const bad = await app.inject({ method: 'GET', url: `${PREFIX}/pipelines?limit=5000` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      error: { code: 'VALIDATION_FAILED', message: expect.any(String), field: 'limit' },
    });
  });

  it('executes (202), pauses, resumes and stops an execution', async () => {
    const { app, fleet } = await setup();
    const id = fleet.pipelines()[0].id;
    const run = await app.inject({
      method: 'POST',
      url: `${PREFIX}/executions/${id}/execute`,
      headers: { 'content-type': 'application/json' },
    });
    expect(run.statusCode).toBe(202);
    const body = run.json();
    expect(body).toEqual({
      success: true,
      execution_id: expect.any(String),
      status: 'running',
      message: expect.any(String),
    });
    const xid: string = body.execution_id;
    for (const verb of ['pause', 'resume', 'stop']) {
      const r = await app.inject({ method: 'POST', url: `${PREFIX}/executions/${xid}/${verb}` });
      expect(r.statusCode, verb).toBe(200);
      expect(r.json()).toEqual({ success: true, message: expect.any(String) });
    }
    const final = finalExecutions(fleet.advanceTo(fleet.now() + HOUR).events).find(
      (x) => x.execution_id === xid,
    );
    expect(final?.status).toBe('cancelled');
    const again = await app.inject({ method: 'POST', url: `${PREFIX}/executions/${xid}/pause` });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('CONFLICT');
    const shown = await app.inject({ method: 'GET', url: `${PREFIX}/executions/${xid}` });
    expect(shown.json()).toMatchObject({ execution_id: xid, status: 'cancelled', trigger_type: 'api' });
  });

  it('deactivate stops runs; activate restarts them', async () => {
    const { app, fleet } = await setup();
    const id = fleet.pipelines()[1].id;
    const off = await app.inject({ method: 'POST', url: `${PREFIX}/pipelines/${id}/deactivate` });
    expect(off.json()).toEqual({ success: true, message: expect.stringContaining('deactivated') });
    const since = fleet.now();
    const events = fleet.advanceTo(since + 2 * HOUR).events;
    expect(
      events.some((e) => e.pipeline_id === id && e.kind === 'execution' && (e.started_at ?? 0) > since),
    ).toBe(false);
    const refused = await app.inject({ method: 'POST', url: `${PREFIX}/executions/${id}/execute` });
    expect(refused.statusCode).toBe(409);
    await app.inject({ method: 'POST', url: `${PREFIX}/pipelines/${id}/activate` });
    expect(
      finalExecutions(fleet.advanceTo(fleet.now() + 2 * HOUR).events).some((x) => x.pipeline_id === id),
    ).toBe(true);
  });

  it('PUT a longer timeout stops timeouts', async () => {
    const { app, fleet } = await setup();
    const id = fleet.pipelines()[0].id;
    const put = (body: unknown) =>
      app.inject({ method: 'PUT', url: `${PREFIX}/pipelines/${id}`, payload: body as object });
    expect((await put({ timeout_seconds: 2 })).statusCode).toBe(200);
    const short = finalExecutions(fleet.advanceTo(fleet.now() + HOUR).events).filter(
      (x) => x.pipeline_id === id,
    );
    expect(short.length > 0 && short.every((x) => /timed out/.test(x.error_message ?? ''))).toBe(true);
    const res = await put({ timeout_seconds: 7200 });
    expect(res.json()).toMatchObject({ success: true, pipeline: { timeout_seconds: 7200 } });
    const long = finalExecutions(fleet.advanceTo(fleet.now() + HOUR).events).filter(
      (x) => x.pipeline_id === id,
    );
    expect(long.length > 0 && long.every((x) => !/timed out/.test(x.error_message ?? ''))).toBe(true);
  });

  it('PUT the previous version rolls back a bad definition and ends the schema drift', async () => {
    const { app, fleet } = await setup();
    const p = fleet.pipelines()[2];
    const episode = fleet.injectFault(p.id, 'schema_drift');
    fleet.advanceTo(fleet.now() + 30 * MIN);
    const shown = (await app.inject({ method: 'GET', url: `${PREFIX}/pipelines/${p.id}` })).json();
    const previous = shown.versions.at(-2).version;
    const res = await app.inject({
      method: 'PUT',
      url: `${PREFIX}/pipelines/${p.id}`,
      payload: { version: previous },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().pipeline.definition).toEqual(p.definition);
    expect(fleet.episodes().find((e) => e.fault_id === episode.fault_id)?.end).toBe(fleet.now());
  });

  it('PUT marks a stage skipped by name', async () => {
    const { app, fleet } = await setup();
    const p = fleet.pipelines()[0];
    const name = p.stages[1].name;
    const res = await app.inject({
      method: 'PUT',
      url: `${PREFIX}/pipelines/${p.id}`,
      payload: { skip_stages: [name] },
    });
    expect(res.json().pipeline.stages[1]).toMatchObject({ name, skip: true });
  });

  it.each([
    [[1, 2], 'body'],
    [{}, 'body'],
    [{ timeout_seconds: -1 }, 'timeout_seconds'],
    [{ timeout_seconds: '60' }, 'timeout_seconds'],
    [{ timeout_seconds: 1.5 }, 'timeout_seconds'],
    [{ version: 0 }, 'version'],
    [{ version: 999 }, 'version'],
    [{ skip_stages: 'transform' }, 'skip_stages'],
    [{ skip_stages: [7] }, 'skip_stages.0'],
    [{ skip_stages: ['no_such_stage'] }, 'skip_stages.0'],
    [{ is_active: 'yes' }, 'is_active'],
    [{ definition: [] }, 'definition'],
    [{ definition: { stages: {} } }, 'definition.stages'],
    [{ definition: { stages: [{ id: 'x', skip: 'yes' }] } }, 'definition.stages.0.skip'],
    [{ definition: { schema: { columns: [{ name: 1 }] } } }, 'definition.schema.columns.0'],
    [{ timeout_secs: 60 }, 'timeout_secs'],
  ])('PUT %j is a 400 naming %s', async (body, field) => {
    const { app, fleet } = await setup();
    const id = fleet.pipelines()[0].id;
    const res = await app.inject({
      method: 'PUT',
      url: `${PREFIX}/pipelines/${id}`,
      payload: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.any(String), field } });
  });

  it('answers malformed JSON with 400 and unknown ids and routes with 404', async () => {
    const { app } = await setup();
    const bad = await app.inject({
      method: 'PUT',
      url: `${PREFIX}/pipelines/x`,
      payload: '{"timeout',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('MALFORMED_JSON');
    for (const [method, url] of [
      ['POST', '/executions/nope/execute'],
      ['POST', '/executions/nope/stop'],
      ['POST', '/executions/nope/pause'],
      ['POST', '/executions/nope/resume'],
      ['POST', '/pipelines/nope/activate'],
      ['POST', '/pipelines/nope/deactivate'],
      ['GET', '/pipelines/nope'],
      ['GET', '/executions/nope'],
      ['GET', '/no/such/route'],
    ] as const) {
      const res = await app.inject({ method, url: `${PREFIX}${url}` });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    const put = await app.inject({
      method: 'PUT',
      url: `${PREFIX}/pipelines/nope`,
      payload: { timeout_seconds: 60 },
    });
    expect(put.statusCode).toBe(404);
  });

  it('the infrastructure hook scales workers once per idempotency key and keeps tickets; other actions are 400', async () => {
    const { app, fleet } = await setup();
    const p = fleet.pipelines()[0];
    const hook = (body: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: `${PREFIX}/hooks/healing`, payload: body });
    const scale = {
      action: 'scale_workers',
      pipeline_id: p.id,
      params: { delta: 2, max: 10 },
      idempotency_key: 'k1',
    };
    const first = await hook(scale);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ success: true, workers: p.workers + 2 });
    const again = await hook(scale);
    expect(again.json()).toMatchObject({ workers: p.workers + 2, repeated: true });
    expect(fleet.pipeline(p.id).workers).toBe(p.workers + 2);
    const ticket = await hook({
      action: 'open_ticket',
      pipeline_id: p.id,
      params: { severity: 'high' },
      idempotency_key: 'k2',
    });
    expect(ticket.statusCode).toBe(200);
    const tickets = await app.inject({ method: 'GET', url: `${PREFIX}/hooks/healing/tickets` });
    expect(tickets.json().items).toEqual([
      expect.objectContaining({ action: 'open_ticket', pipeline_id: p.id, params: { severity: 'high' } }),
    ]);
    for (const [body, field] of [
      [{ ...scale, action: 'retry_stage', idempotency_key: 'k3' }, 'action'],
      [{ ...scale, params: { delta: 0 }, idempotency_key: 'k4' }, 'params.delta'],
      [{ ...scale, pipeline_id: undefined }, 'pipeline_id'],
      [{ ...scale, params: [] }, 'params'],
    ] as const) {
      const res = await hook(body);
      expect(res.statusCode, field).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field });
    }
    expect((await hook({ ...scale, pipeline_id: 'nope', idempotency_key: 'k5' })).statusCode).toBe(404);
    expect(fleet.pipeline(p.id).workers).toBe(p.workers + 2);
  });

  it('POST /faults starts a fault now (201); bad bodies are 400 naming the field', async () => {
    const { app, fleet } = await setup();
    const p = fleet.pipelines()[1];
    const res = await app.inject({
      method: 'POST',
      url: `${PREFIX}/faults`,
      payload: { pipeline_id: p.id, fault: 'oom', duration_minutes: 30 },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      fault: 'oom',
      pipeline_id: p.id,
      start: fleet.now(),
      end: fleet.now() + 30 * MIN,
    });
    const list = await app.inject({ method: 'GET', url: `${PREFIX}/faults` });
    expect(list.json().items).toEqual([expect.objectContaining({ fault_id: res.json().fault_id })]);
    for (const [body, field] of [
      [{ pipeline_id: p.id, fault: 'meteor' }, 'fault'],
      [{ fault: 'oom' }, 'pipeline_id'],
      [{ pipeline_id: p.id, fault: 'oom', duration_minutes: 0 }, 'duration_minutes'],
    ] as const) {
      const bad = await app.inject({ method: 'POST', url: `${PREFIX}/faults`, payload: body });
      expect(bad.statusCode, field).toBe(400);
      expect(bad.json().error.field).toBe(field);
    }
  });
});
