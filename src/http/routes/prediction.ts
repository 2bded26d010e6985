import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { PredictionService } from '../../app/index.js';
import { PREDICTION_KINDS, type PredictionKind, type PredictionRow } from '../../ports/index.js';
import { parseListQuery, type ListQueryInput } from '../list-query.js';
import { ErrorSchema } from '../schemas.js';
import { acceptEmptyJsonBody, isoOrNull, OWN_VALIDATION } from '../route-helpers.js';

/** What the prediction routes call (the PredictionService). */
export type PredictionRoutesService = Pick<
  PredictionService,
  'predict' | 'preflight' | 'train' | 'listPredictions' | 'trainingStatus'
>;

const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);
const Open = (description: string) => Type.Object({}, { additionalProperties: true, description });
const num = () => Type.Optional(Type.Union([Type.Number(), Type.Null()]));

const SampleBody = Type.Object(
  {
    historical_failure_rate: num(),
    recent_error_count: num(),
    stage_count: num(),
    critical_stage_count: num(),
    avg_cpu_percent: num(),
    avg_memory_percent: num(),
    retry_frequency: num(),
  },
  {
    additionalProperties: true,
    description:
      "The original seven features (missing = 0); any of the service's other features may be given",
  },
);

const PredictBody = Type.Intersect([
  SampleBody,
  Type.Object({
    pipeline_id: Type.Optional(
      Type.String({ description: "Routes to the pipeline's model (canary) and catalog timeout" }),
    ),
    timeout_seconds: num(),
    stages: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.Optional(Type.String()),
            id: Type.Optional(Type.String()),
            retry_count: num(),
            historical_failure_rate: num(),
            is_critical: Type.Optional(Type.Boolean({ default: true })),
          },
          { additionalProperties: true },
        ),
      ),
    ),
  }),
]);

const StageRisk = Type.Object({ name: Type.String(), risk: Type.Number(), is_critical: Type.Boolean() });
const Answer = {
  failure_probability: Type.Number({ minimum: 0, maximum: 1 }),
  success_probability: Type.Number({ minimum: 0, maximum: 1 }),
  stage_risk_scores: Type.Record(Type.String(), Type.Number()),
  model_type: Type.String({ description: 'gradient_boosting or heuristic' }),
  top_risk_factors: Type.Array(Type.String()),
  model_version: Type.Union([Type.String(), Type.Null()]),
  duration_forecast: Type.Object({
    expected_seconds: Nullable(Type.Number()),
    p90_seconds: Nullable(Type.Number()),
    timeout_breach_probability: Nullable(Type.Number()),
  }),
  duration_model_version: Type.Union([Type.String(), Type.Null()]),
  stage_risks: Type.Array(StageRisk),
  critical_stages: Type.Array(Type.String()),
  thresholds: Type.Object({ alert: Nullable(Type.Number()), act: Nullable(Type.Number()) }),
  alert: Type.Boolean({ description: 'At or above the alert threshold' }),
  notes: Type.Array(Type.String()),
};
const PredictResponse = Type.Object(Answer, { additionalProperties: false });
const PreflightResponse = Type.Object(
  {
    id: Type.String(),
    pipeline_id: Type.String(),
    planned_at: Type.Union([Type.String(), Type.Null()]),
    predicted_at: Type.String(),
    features: Type.Record(Type.String(), Nullable(Type.Number())),
    ...Answer,
  },
  { additionalProperties: false },
);

const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  since: Type.Optional(Type.String({ description: 'ISO-8601' })),
  until: Type.Optional(Type.String({ description: 'ISO-8601' })),
  pipeline_id: Type.Optional(Type.String()),
  execution_id: Type.Optional(Type.String()),
  kind: Type.Optional(Type.Unsafe<PredictionKind>({ type: 'string', enum: [...PREDICTION_KINDS] })),
  model_version: Type.Optional(Type.String()),
  shadow: Type.Optional(Type.Boolean()),
  has_outcome: Type.Optional(
    Type.Boolean({ description: 'Only rows whose run finished (true) or not (false)' }),
  ),
});

type PredictionQueryInput = ListQueryInput & {
  execution_id?: string;
  kind?: PredictionKind;
  model_version?: string;
  shadow?: boolean;
  has_outcome?: boolean;
};

function rowBody(r: PredictionRow) {
  return {
    ...r,
    predicted_at: isoOrNull(r.predicted_at),
    planned_at: isoOrNull(r.planned_at),
    outcome_at: isoOrNull(r.outcome_at),
    outcome: r.outcome === null ? null : r.outcome === 1 ? 'failed' : 'succeeded',
  };
}

/** Train, predict, preflight, the prediction history and the retraining status. */
export async function predictionRoutes(
  app: FastifyInstance,
  deps: { prediction: PredictionRoutesService },
): Promise<void> {
  // Bodies are read by the prediction parser, which names the field at fault.
  // An empty JSON body means "train from the store", not a parse error.
  acceptEmptyJsonBody(app);

  app.post(
    '/api/ai/prediction/train',
    {
      config: { scope: 'admin' },
      ...OWN_VALIDATION,
      schema: {
        summary:
          'Train the failure model on the given samples (label `failed`), or on the store (time split) when the body is empty / {}',
        tags: ['prediction'],
        body: Type.Union([
          Type.Array(Type.Intersect([SampleBody, Type.Object({ failed: Type.Boolean() })])),
          Type.Object({}),
        ]),
        response: {
          200: Open('trained_samples, model_type, features, metrics, model_version, thresholds'),
          400: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (request) => deps.prediction.train(request.body),
  );

  app.post(
    '/api/ai/prediction/predict',
    {
      config: { scope: 'read' },
      ...OWN_VALIDATION,
      schema: {
        summary: 'How likely a run is to fail, which stages are at risk and why, how long it will take',
        tags: ['prediction'],
        body: PredictBody,
        response: { 200: PredictResponse, 400: ErrorSchema },
      },
    },
    async (request) => deps.prediction.predict(request.body),
  );

  app.post(
    '/api/ai/prediction/preflight/:pipeline_id',
    {
      config: { scope: 'read' },
      schema: {
        summary: "Score the pipeline's next run from its history in the store",
        tags: ['prediction'],
        params: Type.Object({ pipeline_id: Type.String({ minLength: 1, maxLength: 256 }) }),
        response: { 200: PreflightResponse, 404: ErrorSchema },
      },
    },
    async (request) => {
      const { pipeline_id } = request.params as { pipeline_id: string };
      const e = await deps.prediction.preflight(pipeline_id);
      const features = Object.fromEntries(
        Object.entries(e.features).map(([k, v]) => [k, Number.isFinite(v) ? v : null]),
      );
      return {
        ...e,
        pipeline_id,
        features,
        planned_at: isoOrNull(e.planned_at),
        predicted_at: isoOrNull(e.predicted_at),
      };
    },
  );

  app.get(
    '/api/ai/predictions',
    {
      schema: {
        summary:
          'Predictions made (requests, run starts, preflights; serving and shadow models), outcomes joined, newest first',
        tags: ['prediction'],
        querystring: ListQuery,
        response: { 400: ErrorSchema },
      },
    },
    async (request) => {
      const q = request.query as PredictionQueryInput;
      const page = await deps.prediction.listPredictions({
        ...parseListQuery(q),
        execution_id: q.execution_id,
        kind: q.kind,
        model_version: q.model_version,
        shadow: q.shadow,
        has_outcome: q.has_outcome,
      });
      return { items: page.items.map(rowBody), total: page.total };
    },
  );

  app.get(
    '/api/ai/prediction/training',
    {
      schema: {
        summary: 'Scheduled retraining: state, next run, last result or error',
        tags: ['prediction'],
        response: {
          200: Open(
            'state, retrain_cron, next_run_at, last_started_at, last_finished_at, last_result, last_error',
          ),
        },
      },
    },
    async () => deps.prediction.trainingStatus(),
  );
}
