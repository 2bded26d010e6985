import type { FastifyError, FastifyPluginAsync, FastifyReply } from 'fastify';
import { AppError, ValidationError, toError, type ErrorCode } from '../shared/index.js';
import { parseDefinitionUpdate } from './definition-update.js';
import type { DemoFleet } from './fleet.js';
import { FAULT_KINDS, type FaultEpisode, type FaultKind } from './types.js';

/** Options of the control API plugin: the fleet it controls. */
export interface ControlApiOptions {
  fleet: DemoFleet;
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
};

type PipelineParams = { Params: { pipeline_id: string } };
type ExecutionParams = { Params: { execution_id: string } };

/**
 * The FlexiRoaster orchestrator's control API (SEED_API.md) served by the simulated fleet; mount it
 * under any prefix, e.g. `app.register(demoControlApi, { prefix: '/demo/orchestrator/api', fleet })`.
 * Besides the orchestrator's paths it serves `GET /pipelines`, `GET /pipelines/{id}` and
 * `GET /executions/{id}` to inspect the fleet, and the infrastructure webhook `POST /hooks/healing`
 * (scale_workers, tickets, notifications; `GET /hooks/healing/tickets`), and `POST /faults` to
 * start a fault now (`GET /faults`: every episode so far). Errors: `{"error": {"code", "message", "field"}}`.
 */
export const demoControlApi: FastifyPluginAsync<ControlApiOptions> = async (app, { fleet }) => {
  // Control calls often carry `Content-Type: application/json` and no body; that is not an error here.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(
        new AppError('MALFORMED_JSON', `body is not valid JSON: ${toError(err).message}`, { field: 'body' }),
        undefined,
      );
    }
  });
  app.setErrorHandler((err, _req, reply) => sendError(reply, err));
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, new AppError('NOT_FOUND', `no route ${req.method} ${req.url}`)),
  );

  app.post<PipelineParams>('/executions/:pipeline_id/execute', async (req, reply) => {
    const r = fleet.execute(req.params.pipeline_id);
    return reply.code(202).send({
      success: true,
      execution_id: r.execution_id,
      status: r.status,
      message: `execution ${r.execution_id} started`,
    });
  });
  app.post<ExecutionParams>('/executions/:execution_id/stop', async (req) =>
    fleet.stop(req.params.execution_id),
  );
  app.post<ExecutionParams>('/executions/:execution_id/pause', async (req) =>
    fleet.pause(req.params.execution_id),
  );
  app.post<ExecutionParams>('/executions/:execution_id/resume', async (req) =>
    fleet.resume(req.params.execution_id),
  );
  app.get<ExecutionParams>('/executions/:execution_id', async (req) =>
    fleet.execution(req.params.execution_id),
  );
  app.post<PipelineParams>('/pipelines/:pipeline_id/activate', async (req) =>
    fleet.activate(req.params.pipeline_id),
  );
  app.post<PipelineParams>('/pipelines/:pipeline_id/deactivate', async (req) =>
    fleet.deactivate(req.params.pipeline_id),
  );
  app.put<PipelineParams>('/pipelines/:pipeline_id', async (req) => {
    fleet.pipeline(req.params.pipeline_id);
    return fleet.updateDefinition(req.params.pipeline_id, parseDefinitionUpdate(req.body));
  });
  app.get<PipelineParams>('/pipelines/:pipeline_id', async (req) => fleet.pipeline(req.params.pipeline_id));
  app.post('/faults', async (req, reply) => reply.code(201).send(injectFault(fleet, req.body)));
  app.get('/faults', async () => ({ items: fleet.episodes() }));
  const hooks = new HealingHooks(fleet);
  app.post('/hooks/healing', async (req) => hooks.receive(req.body));
  app.get('/hooks/healing/tickets', async () => ({ items: hooks.tickets() }));
  app.get<{ Querystring: Record<string, string | undefined> }>('/pipelines', async (req) => {
    const limit = intParam(req.query.limit, 'limit', 50, 1, 1000);
    const offset = intParam(req.query.offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const all = fleet.pipelines();
    return { items: all.slice(offset, offset + limit), total: all.length };
  });
};

/** `POST /faults` `{pipeline_id, fault, duration_minutes?}`: a fault episode starting now (demos). */
function injectFault(fleet: DemoFleet, body: unknown): FaultEpisode {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ValidationError('body', 'body must be a JSON object');
  const b = body as Record<string, unknown>;
  const pipelineId = text(b.pipeline_id, 'pipeline_id');
  const fault = text(b.fault, 'fault');
  if (!(FAULT_KINDS as readonly string[]).includes(fault))
    throw new ValidationError('fault', `fault must be one of ${FAULT_KINDS.join(', ')}`);
  const minutes = b.duration_minutes;
  if (minutes !== undefined && (typeof minutes !== 'number' || !(minutes > 0) || minutes > 24 * 60))
    throw new ValidationError('duration_minutes', 'duration_minutes must be a number in (0, 1440]');
  fleet.pipeline(pipelineId);
  return fleet.injectFault(pipelineId, fault as FaultKind, minutes === undefined ? null : minutes * 60_000);
}

/** A ticket or notification the hook received. */
export interface HookTicket {
  action: 'open_ticket' | 'notify';
  pipeline_id: string;
  params: Record<string, unknown>;
  idempotency_key: string;
  received_at: string;
}

const HOOK_ACTIONS = ['scale_workers', 'open_ticket', 'notify'];

/**
 * The demo's infrastructure webhook (what `--webhook-url` points at in production): the webhook
 * executor's JSON body. It scales a pipeline's workers and keeps tickets and notifications; other
 * actions are the orchestrator's (400). A repeated idempotency key gets the first answer again.
 */
class HealingHooks {
  private readonly answers = new Map<string, Record<string, unknown>>();
  private readonly inbox: HookTicket[] = [];

  constructor(private readonly fleet: DemoFleet) {}

  receive(body: unknown): Record<string, unknown> {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new ValidationError('body', 'body must be a JSON object');
    const b = body as Record<string, unknown>;
    const action = text(b.action, 'action');
    const pipelineId = text(b.pipeline_id, 'pipeline_id');
    const key = text(b.idempotency_key, 'idempotency_key');
    const params = b.params ?? {};
    if (typeof params !== 'object' || params === null || Array.isArray(params))
      throw new ValidationError('params', 'params must be a JSON object');
    if (!HOOK_ACTIONS.includes(action))
      throw new ValidationError('action', `this hook carries out ${HOOK_ACTIONS.join(', ')}, not ${action}`);
    const seen = this.answers.get(key);
    if (seen !== undefined) return { ...seen, repeated: true };
    this.fleet.pipeline(pipelineId);
    const p = params as Record<string, unknown>;
    let answer: Record<string, unknown>;
    if (action === 'scale_workers') {
      answer = {
        ...this.fleet.scaleWorkers(
          pipelineId,
          intOr(p.delta, 'params.delta', 1),
          intOr(p.max, 'params.max', 10),
        ),
      };
    } else {
      this.inbox.push({
        action: action as HookTicket['action'],
        pipeline_id: pipelineId,
        params: p,
        idempotency_key: key,
        received_at: new Date(this.fleet.now()).toISOString(),
      });
      answer = {
        success: true,
        message: `${action === 'notify' ? 'notification' : 'ticket'} ${this.inbox.length} recorded`,
      };
    }
    this.answers.set(key, answer);
    return answer;
  }

  tickets(): HookTicket[] {
    return [...this.inbox];
  }
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '')
    throw new ValidationError(field, `${field} must be a non-empty string`);
  return value;
}

function intOr(value: unknown, field: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new ValidationError(field, `${field} must be an integer ≥ 1`);
  return value;
}

function intParam(
  value: string | undefined,
  field: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new ValidationError(field, `${field} must be an integer between ${min} and ${max}`);
  return n;
}

function sendError(reply: FastifyReply, raw: unknown): FastifyReply {
  const err = toError(raw);
  if (err instanceof AppError) {
    const body = {
      code: err.code,
      message: err.message,
      ...(err.field === undefined ? {} : { field: err.field }),
    };
    return reply.code(STATUS[err.code] ?? 500).send({ error: body });
  }
  const status = (err as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const code: ErrorCode =
      status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'VALIDATION_FAILED';
    return reply.code(status).send({ error: { code, message: err.message } });
  }
  return reply
    .code(500)
    .send({ error: { code: 'INTERNAL', message: 'internal error in the demo orchestrator' } });
}
