import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { LogMiningService, RecommendationService, RootCauseService } from '../../app/index.js';
import { NotFoundError } from '../../shared/index.js';
import { ErrorSchema } from '../schemas.js';
import { parseListQuery, type ListQueryInput } from '../list-query.js';

/** What the root-cause, recommendation, insight and template routes call. */
export interface LogInsightRoutesService {
  rootCause: Pick<RootCauseService, 'analyze' | 'get'>;
  recommendations: Pick<RecommendationService, 'recommend' | 'insights' | 'dismiss'>;
  logs: Pick<LogMiningService, 'templates' | 'stats'>;
}

const Open = (description: string) => Type.Object({}, { additionalProperties: true, description });
const nullableNumber = Type.Optional(Type.Union([Type.Number(), Type.Null()]));
const nullableBoolean = Type.Optional(Type.Union([Type.Boolean(), Type.Null()]));
const pipelineId = Type.Optional(
  Type.Union([Type.String(), Type.Null()], {
    description: "Fill what the body leaves out from this pipeline's live snapshot and history",
  }),
);

const RootCauseBody = Type.Object(
  {
    stages: Type.Optional(Type.Array(Type.Object({ name: Type.String(), status: Type.String() }))),
    logs: Type.Optional(Type.Array(Type.String())),
    metrics: Type.Optional(
      Type.Object({
        cpu_percent: nullableNumber,
        memory_percent: nullableNumber,
        latency_spike: nullableBoolean,
      }),
    ),
    history: Type.Optional(
      Type.Object({ same_stage_failures_last_7d: nullableNumber, recent_deployment: nullableBoolean }),
    ),
    pipeline_id: pipelineId,
  },
  { additionalProperties: true },
);

const RootCauseResponse = Type.Object(
  {
    failing_stage: Type.Union([Type.String(), Type.Null()]),
    primary_cause: Type.String({
      description:
        'connection_issue, resource_bottleneck, data_inconsistency, configuration_error or unknown',
    }),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    evidence: Type.Array(Type.String()),
    contributing_factors: Type.Array(Type.String()),
    signature: Type.String({ description: 'The finest error signature found' }),
    pipeline_id: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: true },
);

const RecommendationsBody = Type.Object(
  {
    avg_duration_seconds: nullableNumber,
    retry_frequency: nullableNumber,
    avg_cpu_percent: nullableNumber,
    avg_memory_percent: nullableNumber,
    stage_count: nullableNumber,
    parallelizable: nullableBoolean,
    pipeline_id: pipelineId,
  },
  { additionalProperties: true },
);

const InsightsResponse = Type.Object({
  insights: Type.Array(
    Type.Object(
      {
        type: Type.String(),
        severity: Type.String(),
        title: Type.String(),
        message: Type.String(),
        recommendation: Type.Union([Type.String(), Type.Null()]),
        confidence: Type.Number(),
        pipeline_id: Type.String(),
        timestamp: Type.String({ format: 'date-time' }),
      },
      { additionalProperties: true },
    ),
  ),
  total_count: Type.Integer(),
  generated_at: Type.String({ format: 'date-time' }),
});

const Page = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});
const Times = Type.Object({
  since: Type.Optional(Type.String({ description: 'ISO-8601' })),
  until: Type.Optional(Type.String({ description: 'ISO-8601' })),
});
const TimedPage = Type.Composite([Page, Times]);
const PipelinePage = Type.Composite([TimedPage, Type.Object({ pipeline_id: Type.Optional(Type.String()) })]);
const Id = (name: string) => Type.Object({ [name]: Type.String({ minLength: 1, maxLength: 256 }) });

/** Root cause (on request and per failed execution), recommendations, insights and log templates. */
export async function logInsightRoutes(
  app: FastifyInstance,
  deps: { service: LogInsightRoutesService },
): Promise<void> {
  const { rootCause, recommendations, logs } = deps.service;
  // Bodies are read by the parsers of the logs room, which name the field at fault.
  const ownValidation = { validatorCompiler: () => () => true };

  app.post(
    '/api/ai/root-cause/analyze',
    {
      config: { scope: 'read' },
      ...ownValidation,
      schema: {
        summary: 'Why did this run fail: failing stage, primary cause, confidence, evidence',
        tags: ['root cause'],
        body: RootCauseBody,
        response: { 200: RootCauseResponse, 400: ErrorSchema },
      },
    },
    async (request) => rootCause.analyze(request.body),
  );

  app.get(
    '/api/ai/root-cause/:execution_id',
    {
      schema: {
        summary: 'The root-cause analysis of a failed execution (analysed online after it failed)',
        tags: ['root cause'],
        params: Id('execution_id'),
        response: {
          200: Open('execution_id, pipeline_id, failed_at, analyzed_at and the analysis'),
          404: ErrorSchema,
        },
      },
    },
    async (request) => {
      const { execution_id } = request.params as { execution_id: string };
      const row = await rootCause.get(execution_id);
      if (row === null) throw new NotFoundError(`no root-cause analysis for execution "${execution_id}"`);
      return {
        ...row.result,
        execution_id: row.execution_id,
        pipeline_id: row.pipeline_id,
        failed_at: new Date(row.failed_at).toISOString(),
        analyzed_at: new Date(row.analyzed_at).toISOString(),
      };
    },
  );

  app.post(
    '/api/ai/recommendations',
    {
      config: { scope: 'read' },
      ...ownValidation,
      schema: {
        summary: "Optimisation advice from a pipeline's KPIs, each with confidence, impact and priority",
        tags: ['recommendations'],
        body: RecommendationsBody,
        response: {
          200: Open(
            'recommendations: [{recommendation, confidence, impact_score, priority_score, kind, driver}]',
          ),
          400: ErrorSchema,
        },
      },
    },
    async (request) => recommendations.recommend(request.body),
  );

  app.get(
    '/api/ai/insights',
    {
      schema: {
        summary: 'Insights (anomaly, optimization, …) not dismissed, newest first, as the web app reads them',
        tags: ['insights'],
        querystring: PipelinePage,
        response: { 200: InsightsResponse },
      },
    },
    async (request) => recommendations.insights(parseListQuery(request.query as ListQueryInput)),
  );

  app.get(
    '/api/ai/insights/:pipeline_id',
    {
      schema: {
        summary: "A pipeline's insights not dismissed, newest first",
        tags: ['insights'],
        params: Id('pipeline_id'),
        querystring: TimedPage,
        response: { 200: InsightsResponse },
      },
    },
    async (request) => {
      const { pipeline_id } = request.params as { pipeline_id: string };
      return recommendations.insights({ ...parseListQuery(request.query as ListQueryInput), pipeline_id });
    },
  );

  app.post(
    '/api/ai/insights/:id/dismiss',
    {
      config: { scope: 'act' },
      schema: {
        summary: 'Dismiss an insight: it is no longer listed',
        tags: ['insights'],
        params: Id('id'),
        response: { 200: Type.Object({ id: Type.String(), dismissed: Type.Boolean() }), 404: ErrorSchema },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      if (!(await recommendations.dismiss(id))) throw new NotFoundError(`no insight "${id}"`);
      return { id, dismissed: true };
    },
  );

  app.get(
    '/api/logs/templates',
    {
      schema: {
        summary: 'Mined log templates with counts, first/last seen and error signature (most frequent first)',
        tags: ['logs'],
        querystring: PipelinePage,
        response: {
          200: Open(
            '{items: [{template_id, template, count, signature, example, first_seen, last_seen}], total}',
          ),
        },
      },
    },
    async (request) => logs.templates(parseListQuery(request.query as ListQueryInput)),
  );
}
