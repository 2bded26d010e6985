import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AnomalyService } from '../../app/index.js';
import type { AnomalyListQuery } from '../../ports/index.js';
import { ErrorSchema } from '../schemas.js';
import { parseListQuery, type ListQueryInput } from '../list-query.js';
import { acceptEmptyJsonBody, isoOrNull, OWN_VALIDATION } from '../route-helpers.js';

/** What the anomaly routes call (the AnomalyService). */
export type AnomalyRoutesService = Pick<
  AnomalyService,
  'detect' | 'train' | 'listAnomalies' | 'listIncidents' | 'feedback'
>;

const Open = (description: string) => Type.Object({}, { additionalProperties: true, description });

const DetectResponse = Type.Object(
  {
    is_anomaly: Type.Boolean(),
    score: Type.Number({ minimum: 0, maximum: 1 }),
    reasons: Type.Array(Type.String()),
    algorithm: Type.String({
      description: 'isolation_forest+zscore (model trained) or zscore_rules (no model)',
    }),
    model_version: Type.Union([Type.String(), Type.Null()]),
    contributions: Type.Record(Type.String(), Type.Number()),
    rules_fired: Type.Array(Type.String()),
    baseline: Type.Union([Type.String(), Type.Null()], { description: 'pipeline, model, fleet or null' }),
    notes: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

const AnomalyRecordBody = Type.Object(
  {
    duration_seconds: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    data_volume_mb: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    failure_count_1h: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    cpu_percent: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    memory_percent: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    retry_count: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    stage_errors: Type.Optional(Type.Array(Type.String())),
    pipeline_id: Type.Optional(Type.String({ description: "Judge against this pipeline's baseline" })),
  },
  { additionalProperties: true },
);

const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  since: Type.Optional(Type.String({ description: 'ISO-8601' })),
  until: Type.Optional(Type.String({ description: 'ISO-8601' })),
  pipeline_id: Type.Optional(Type.String()),
  kind: Type.Optional(Type.Union([Type.Literal('execution'), Type.Literal('metric')])),
  min_score: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
});

type AnomalyQueryInput = ListQueryInput & Pick<AnomalyListQuery, 'kind' | 'min_score'>;

function listQuery(q: AnomalyQueryInput): AnomalyListQuery {
  return { ...parseListQuery(q), kind: q.kind, min_score: q.min_score };
}

/** Detect, train, anomaly and incident history, feedback. */
export async function anomalyRoutes(
  app: FastifyInstance,
  deps: { anomaly: AnomalyRoutesService },
): Promise<void> {
  // Bodies are read by the anomaly parser, which names the field at fault as the original did.
  // An empty JSON body means "train from the store" (and is a named 400 elsewhere), not a parse error.
  acceptEmptyJsonBody(app);

  app.post(
    '/api/ai/anomaly/detect',
    {
      config: { scope: 'read' },
      ...OWN_VALIDATION,
      schema: {
        summary: 'Is this run abnormal, how much, and why',
        tags: ['anomaly'],
        body: AnomalyRecordBody,
        response: { 200: DetectResponse, 400: ErrorSchema },
      },
    },
    async (request) => deps.anomaly.detect(request.body),
  );

  app.post(
    '/api/ai/anomaly/train',
    {
      config: { scope: 'admin' },
      ...OWN_VALIDATION,
      schema: {
        summary:
          'Train the hybrid detector on the given records, or on the store when the body is empty / {}',
        tags: ['anomaly'],
        body: Type.Union([Type.Array(AnomalyRecordBody), Type.Object({})]),
        response: {
          200: Open('trained_samples, algorithm, model_version and training metadata'),
          400: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (request) => deps.anomaly.train(request.body),
  );

  app.get(
    '/api/ai/anomalies',
    {
      schema: {
        summary: 'Anomalies found online, newest first',
        tags: ['anomaly'],
        querystring: ListQuery,
        response: { 400: ErrorSchema },
      },
    },
    async (request) => {
      const page = await deps.anomaly.listAnomalies(listQuery(request.query as AnomalyQueryInput));
      return {
        items: page.items.map((a) => ({ ...a, detected_at: isoOrNull(a.detected_at) })),
        total: page.total,
      };
    },
  );

  app.get(
    '/api/incidents',
    {
      schema: {
        summary: 'Incidents (anomalies grouped per pipeline and kind), newest first',
        tags: ['anomaly'],
        querystring: ListQuery,
        response: { 400: ErrorSchema },
      },
    },
    async (request) => {
      const page = await deps.anomaly.listIncidents(listQuery(request.query as AnomalyQueryInput));
      return {
        items: page.items.map((i) => ({
          ...i,
          opened_at: isoOrNull(i.opened_at),
          last_seen_at: isoOrNull(i.last_seen_at),
          resolved_at: isoOrNull(i.resolved_at),
        })),
        total: page.total,
      };
    },
  );

  app.post(
    '/api/ai/anomalies/:id/feedback',
    {
      config: { scope: 'act' },
      ...OWN_VALIDATION,
      schema: {
        summary: 'Label an anomaly true_positive or false_positive (kept for training)',
        tags: ['anomaly'],
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 256 }) }),
        body: Type.Object({
          label: Type.Union([Type.Literal('true_positive'), Type.Literal('false_positive')]),
          note: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        }),
        response: { 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const row = await deps.anomaly.feedback(id, request.body);
      return { ...row, created_at: isoOrNull(row.created_at) };
    },
  );
}
