import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MODEL_KINDS, type ModelKind, type ModelVersionInfo } from '../../ports/index.js';
import type { Comparison, ModelRegistry, PromoteRequest } from '../../registry/index.js';
import { parseListQuery, type ListQueryInput } from '../list-query.js';
import { ErrorSchema } from '../schemas.js';

/** What the model routes call (the ModelRegistry). */
export type ModelRoutesService = Pick<ModelRegistry, 'list' | 'compare' | 'promote' | 'rollback'>;

const Kind = Type.Unsafe<ModelKind>({ type: 'string', enum: [...MODEL_KINDS], description: 'Model kind' });
const Time = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);

const VersionSchema = Type.Object(
  {
    kind: Type.String(),
    model_version: Type.String(),
    status: Type.String({ description: 'shadow | canary | full | retired' }),
    rollout_share: Nullable(Type.Number({ description: "A canary's share of pipelines (0–1)" })),
    previous_full: Type.Union([Type.String(), Type.Null()], {
      description: 'The full version this one replaced when it became full (what a rollback returns to)',
    }),
    training_window: Type.Union([Type.Object({ start: Time, end: Time }), Type.Null()]),
    contamination: Nullable(Type.Number()),
    feature_names: Type.Array(Type.String()),
    metrics: Type.Record(Type.String(), Type.Unknown()),
    created_at: Time,
  },
  { additionalProperties: false },
);

const ComparedSchema = Type.Union([
  Type.Object({
    model_version: Type.String(),
    metrics: Type.Object({
      roc_auc: Nullable(Type.Number()),
      brier: Nullable(Type.Number()),
      outcomes: Type.Integer(),
    }),
  }),
  Type.Null(),
]);

const iso = (ms: number) => new Date(ms).toISOString();

function versionBody(v: ModelVersionInfo) {
  return {
    kind: v.kind,
    model_version: v.model_version,
    status: v.status,
    rollout_share: v.rollout_share,
    previous_full: v.previous_full,
    training_window:
      v.training_window === null
        ? null
        : { start: iso(v.training_window.start), end: iso(v.training_window.end) },
    contamination: v.contamination,
    feature_names: v.feature_names,
    metrics: v.metrics,
    created_at: iso(v.created_at),
  };
}

function comparisonBody(c: Comparison) {
  return {
    kind: c.kind,
    champion: c.champion,
    challenger: c.challenger,
    since: iso(c.since),
    outcomes: c.outcomes,
  };
}

/** Model versions and their rollout: list, compare champion and challenger, promote, roll back. */
export async function modelRoutes(app: FastifyInstance, deps: { models: ModelRoutesService }): Promise<void> {
  app.get(
    '/api/models',
    {
      schema: {
        summary: 'Model versions, newest first, of one kind or all',
        tags: ['models'],
        querystring: Type.Object({
          kind: Type.Optional(Kind),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          since: Type.Optional(Type.String({ description: 'Created at or after (ISO-8601)' })),
          until: Type.Optional(Type.String({ description: 'Created before (ISO-8601)' })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(VersionSchema), total: Type.Integer() }),
          400: ErrorSchema,
        },
      },
    },
    async (request) => {
      const q = request.query as ListQueryInput & { kind?: ModelKind };
      const { limit, offset, since, until } = parseListQuery(q);
      const page = await deps.models.list({ kind: q.kind, limit, offset, since, until });
      return { items: page.items.map(versionBody), total: page.total };
    },
  );

  app.get(
    '/api/models/:kind/compare',
    {
      schema: {
        summary:
          'Champion (full) against challenger (canary, else newest shadow): ROC-AUC and Brier on the same recent window',
        tags: ['models'],
        params: Type.Object({ kind: Kind }),
        querystring: Type.Object({
          since: Type.Optional(
            Type.String({ description: 'Window start (ISO-8601); never before both versions existed' }),
          ),
        }),
        response: {
          200: Type.Object({
            kind: Type.String(),
            champion: ComparedSchema,
            challenger: ComparedSchema,
            since: Time,
            outcomes: Type.Integer({ description: 'Outcomes behind the comparison (the smaller count)' }),
          }),
          400: ErrorSchema,
        },
      },
    },
    async (request) => {
      const { kind } = request.params as { kind: ModelKind };
      const { since } = parseListQuery(request.query as ListQueryInput);
      return comparisonBody(await deps.models.compare(kind, { since }));
    },
  );

  app.post(
    '/api/models/:model_version/promote',
    {
      config: { scope: 'admin' },
      schema: {
        summary:
          'Promote a version to canary (serving `share` of pipelines) or to full (the previous full is retired)',
        tags: ['models'],
        params: Type.Object({ model_version: Type.String({ minLength: 1, maxLength: 256 }) }),
        body: Type.Object({
          to: Type.Unsafe<'canary' | 'full'>({ type: 'string', enum: ['canary', 'full'] }),
          share: Type.Optional(
            Type.Number({
              minimum: 0,
              maximum: 1,
              description: 'Canary only: share of pipelines; default --canary-share',
            }),
          ),
        }),
        response: { 200: VersionSchema, 400: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      const { model_version } = request.params as { model_version: string };
      return versionBody(await deps.models.promote(model_version, request.body as PromoteRequest));
    },
  );

  app.post(
    '/api/models/:kind/rollback',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'The full version the current one replaced becomes full again; the current one is retired',
        tags: ['models'],
        params: Type.Object({ kind: Kind }),
        response: {
          200: Type.Object({ kind: Type.String(), restored: VersionSchema, retired: VersionSchema }),
          400: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (request) => {
      const { kind } = request.params as { kind: ModelKind };
      const { restored, retired } = await deps.models.rollback(kind);
      return { kind, restored: versionBody(restored), retired: versionBody(retired) };
    },
  );
}
