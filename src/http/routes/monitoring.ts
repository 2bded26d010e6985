import type { FastifyInstance, FastifyReply } from 'fastify';
import type { IngestService } from '../../app/index.js';
import { parseNdjson, type ParsedLines } from '../../ingest/index.js';
import { NotFoundError, ValidationError, toError, type Clock } from '../../shared/index.js';
import { errorBody } from '../errors.js';
import { useJsonArrayParser } from '../json-array.js';
import type { ServiceMetrics } from '../metrics.js';
import {
  ErrorSchema,
  IngestBodySchema,
  IngestResponseSchema,
  ListQuery,
  PipelineListSchema,
  PipelineParams,
  SnapshotSchema,
} from '../schemas.js';

/** What the monitoring routes read. */
export interface MonitoringQueries {
  snapshot(pipelineId: string): { sampled_events: number } | undefined;
  sampledEvents(pipelineId: string): number | undefined;
  list(opts: { limit: number; offset: number }): { items: unknown[]; total: number };
}

export interface MonitoringRouteDeps {
  ingest: IngestService;
  monitoring: MonitoringQueries;
  metrics: ServiceMetrics;
  clock: Clock;
  bodyLimitBytes: number;
}

/** NDJSON bodies arrive parsed line by line, bad lines already noted. */
class NdjsonBody {
  constructor(readonly lines: ParsedLines) {}
}

/** Ingest, snapshots and the pipeline list: the original monitoring endpoints and their neighbours. */
export async function monitoringRoutes(app: FastifyInstance, deps: MonitoringRouteDeps): Promise<void> {
  // Ingest speaks JSON and NDJSON only; anything else is a 415, not a string to guess at.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(
    ['application/x-ndjson', 'application/ndjson'],
    { parseAs: 'string', bodyLimit: deps.bodyLimitBytes },
    (_req, body, done) => done(null, new NdjsonBody(parseNdjson(body as string))),
  );
  // A large batch is parsed a piece at a time (see parseJsonArrayBody); anything else as before.
  useJsonArrayParser(app);

  // Many answers share a millisecond under load: one date text per millisecond, not per answer.
  let isoAt = Number.NaN;
  let isoText = '';
  const iso = () => {
    const now = deps.clock.now();
    if (now !== isoAt) {
      isoText = new Date(now).toISOString();
      isoAt = now;
    }
    return isoText;
  };

  app.post(
    '/api/monitoring/ingest',
    {
      config: { scope: 'ingest' },
      // Before the body is read: a batch the store would refuse (503) is never parsed or decoded.
      // A callback hook, not an async one: no promise per request.
      onRequest: (_request, _reply, done) => {
        try {
          deps.ingest.admit();
        } catch (err) {
          done(toError(err));
          return;
        }
        done();
      },
      // The decoders validate item by item (a batch keeps its good items), so no schema check here.
      validatorCompiler: () => () => true,
      // The answers are built here in the documented shapes: plain JSON.stringify, not the schema's
      // serializer (whose union of two shapes checks the answer against each in turn).
      serializerCompiler: () => (data) => JSON.stringify(data),
      schema: {
        summary: 'Ingest one event, a JSON array, or NDJSON',
        tags: ['monitoring'],
        body: IngestBodySchema,
        response: { 200: IngestResponseSchema, 400: ErrorSchema, 413: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body instanceof NdjsonBody) {
        return sendBatch(reply, await batch(body.lines.values, body.lines.rejected));
      }
      if (Array.isArray(body)) {
        if (body.length === 0) throw new ValidationError('body', 'batch is empty');
        return sendBatch(reply, await batch(body, []));
      }
      try {
        const event = await deps.ingest.ingestOne(body);
        deps.metrics.ingestEvents.inc({ result: 'accepted' });
        return {
          success: true,
          pipeline_id: event.pipeline_id,
          sampled_events: deps.monitoring.sampledEvents(event.pipeline_id) ?? 0,
          generated_at: iso(),
        };
      } catch (err) {
        if (err instanceof ValidationError) deps.metrics.ingestEvents.inc({ result: 'rejected' });
        throw err;
      }
    },
  );

  async function batch(values: readonly unknown[], alreadyRejected: ParsedLines['rejected']) {
    const result = await deps.ingest.ingestBatch(values, alreadyRejected);
    deps.metrics.ingestEvents.inc({ result: 'accepted' }, result.accepted);
    deps.metrics.ingestEvents.inc({ result: 'rejected' }, result.rejected.length);
    return result;
  }

  function sendBatch(reply: FastifyReply, result: Awaited<ReturnType<typeof batch>>) {
    const body = { accepted: result.accepted, rejected: result.rejected, generated_at: iso() };
    if (result.accepted > 0) return reply.status(200).send(body);
    const first = result.rejected[0];
    const message = first ? `no item accepted; item ${first.index}: ${first.reason}` : 'batch is empty';
    return reply
      .status(400)
      .send({ ...body, ...errorBody('VALIDATION_FAILED', message, first?.field ?? 'body') });
  }

  app.get(
    '/api/monitoring/:pipeline_id/snapshot',
    {
      schema: {
        summary: "A pipeline's sliding-window KPIs, signals and health",
        tags: ['monitoring'],
        params: PipelineParams,
        response: { 200: SnapshotSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const { pipeline_id } = request.params as { pipeline_id: string };
      const snapshot = deps.monitoring.snapshot(pipeline_id);
      if (snapshot === undefined) throw new NotFoundError(`pipeline "${pipeline_id}" has never been seen`);
      return snapshot;
    },
  );

  app.get(
    '/api/monitoring/pipelines',
    {
      schema: {
        summary: 'Pipelines with their health, worst first',
        tags: ['monitoring'],
        querystring: ListQuery,
        response: { 200: PipelineListSchema },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0 } = request.query as { limit?: number; offset?: number };
      return deps.monitoring.list({ limit, offset });
    },
  );
}
