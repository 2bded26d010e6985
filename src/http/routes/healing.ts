import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HealingAdmin } from '../../app/index.js';
import { RunbookInvalidError } from '../../healing/index.js';
import { ACTION_STATUSES, type HealingListQuery } from '../../ports/index.js';
import { errorBody } from '../errors.js';
import { parseListQuery, type ListQueryInput } from '../list-query.js';
import { ErrorSchema } from '../schemas.js';
import { isoOrNull } from '../route-helpers.js';

/** What the healing routes call (the HealingAdmin). */
export type HealingRoutesService = Pick<
  HealingAdmin,
  | 'listRunbooks'
  | 'validate'
  | 'setRunbookEnabled'
  | 'setKillSwitch'
  | 'listApprovals'
  | 'approve'
  | 'reject'
  | 'listActions'
  | 'listAudit'
  | 'listOutcomes'
>;

const Open = (description: string) => Type.Object({}, { additionalProperties: true, description });

const ListQuery = (statuses: readonly string[]) =>
  Type.Object({
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    since: Type.Optional(Type.String({ description: 'ISO-8601' })),
    until: Type.Optional(Type.String({ description: 'ISO-8601' })),
    pipeline_id: Type.Optional(Type.String()),
    action: Type.Optional(Type.String({ description: 'action id, e.g. retry_stage' })),
    status: Type.Optional(
      statuses.length === 0 ? Type.String() : Type.Union(statuses.map((s) => Type.Literal(s))),
    ),
  });

type HealingQueryInput = ListQueryInput & { action?: string; status?: string };
const listQuery = (q: HealingQueryInput): HealingListQuery => ({
  ...parseListQuery(q),
  action: q.action,
  status: q.status,
});

/** Rows with these epoch-ms fields go out with ISO-8601 times. */
function withIsoTimes<T extends Record<string, unknown>>(row: T, fields: readonly (keyof T)[]): T {
  const out: Record<string, unknown> = { ...row };
  for (const f of fields) out[f as string] = isoOrNull(row[f] as number | null);
  return out as T;
}
const ACTION_TIMES = ['created_at', 'updated_at'] as const;
const APPROVAL_TIMES = ['requested_at', 'expires_at', 'decided_at'] as const;

/** Who made an operator change: a short digest of the caller's API key, or `local` without keys. */
function caller(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
  return token === '' ? 'local' : `key:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
}

/** A runbook validation error: the usual error plus the runbook and every problem with its path. */
const RunbookErrorSchema = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String()),
    runbook: Type.Optional(Type.String()),
    problems: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  }),
});

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 256 }) });
const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) });

/** Runbooks, kill switch, approvals, actions, outcomes and the audit log of the self-healing loop. */
export async function healingRoutes(
  app: FastifyInstance,
  deps: { healing: HealingRoutesService },
): Promise<void> {
  const { healing } = deps;
  const tags = ['healing'];

  app.get(
    '/api/healing/runbooks',
    { schema: { summary: 'Loaded runbooks and whether each is enabled', tags } },
    async () => {
      const items = healing.listRunbooks();
      return { items, total: items.length };
    },
  );

  app.post(
    '/api/healing/runbooks/validate',
    {
      config: { scope: 'read' },
      validatorCompiler: () => () => true,
      schema: {
        summary: 'Validate a runbook (YAML parsed to JSON) without loading it',
        tags,
        body: Open('a runbook: name, description, priority, mode, when, actions'),
        response: { 200: Open('{valid: true, runbook}'), 400: RunbookErrorSchema },
      },
    },
    async (request, reply) => {
      try {
        return healing.validate(request.body);
      } catch (err) {
        if (!(err instanceof RunbookInvalidError)) throw err;
        const body = errorBody(err.code, err.message, err.field);
        return reply
          .status(400)
          .send({ error: { ...body.error, runbook: err.runbook, problems: err.problems } });
      }
    },
  );

  for (const verb of ['enable', 'disable'] as const) {
    app.post(
      `/api/healing/runbooks/:name/${verb}`,
      {
        config: { scope: 'admin' },
        schema: {
          summary: `${verb === 'enable' ? 'Enable' : 'Disable'} a runbook (kept across restarts)`,
          tags,
          params: NameParams,
          response: { 404: ErrorSchema },
        },
      },
      async (request) => {
        const { name } = request.params as { name: string };
        return healing.setRunbookEnabled(name, verb === 'enable', caller(request));
      },
    );
  }

  app.post(
    '/api/healing/kill-switch',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Turn the global kill switch on (nothing is executed) or off',
        tags,
        body: Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false }),
        response: { 400: ErrorSchema },
      },
    },
    async (request) => {
      const { enabled } = request.body as { enabled: boolean };
      return healing.setKillSwitch(enabled, caller(request));
    },
  );

  app.get(
    '/api/healing/approvals',
    {
      schema: {
        summary: 'Approval requests of risky actions, newest first',
        tags,
        querystring: ListQuery(['pending', 'approved', 'rejected', 'expired']),
        response: { 400: ErrorSchema },
      },
    },
    async (request) => {
      const page = await healing.listApprovals(listQuery(request.query as HealingQueryInput));
      return { items: page.items.map((a) => withIsoTimes(a, APPROVAL_TIMES)), total: page.total };
    },
  );

  for (const verb of ['approve', 'reject'] as const) {
    app.post(
      `/api/healing/approvals/:id/${verb}`,
      {
        config: { scope: 'act' },
        schema: {
          summary:
            verb === 'approve'
              ? 'Approve a pending request; the action is carried out (guards permitting)'
              : 'Reject a pending request',
          tags,
          params: IdParams,
          response: { 404: ErrorSchema, 409: ErrorSchema },
        },
      },
      async (request) => {
        const { id } = request.params as { id: string };
        const r = await healing[verb](id, caller(request));
        return {
          approval: withIsoTimes(r.approval, APPROVAL_TIMES),
          action: r.action === null ? null : withIsoTimes(r.action, ACTION_TIMES),
        };
      },
    );
  }

  app.get(
    '/api/healing/actions',
    {
      schema: {
        summary: 'Remediation actions with their status, executor result and verification, newest first',
        tags,
        querystring: ListQuery(ACTION_STATUSES),
        response: { 400: ErrorSchema },
      },
    },
    async (request) => {
      const page = await healing.listActions(listQuery(request.query as HealingQueryInput));
      return { items: page.items.map((a) => withIsoTimes(a, ACTION_TIMES)), total: page.total };
    },
  );

  app.get(
    '/api/healing/outcomes',
    {
      schema: {
        summary:
          'Outcome labels (fixed / not_fixed) joined to the anomaly, incident or prediction behind each action',
        tags,
        querystring: ListQuery([]),
        response: { 400: ErrorSchema },
      },
    },
    async (request) => {
      const page = await healing.listOutcomes(parseListQuery(request.query as ListQueryInput));
      return { items: page.items.map((o) => withIsoTimes(o, ['created_at'])), total: page.total };
    },
  );

  app.get(
    '/api/audit',
    {
      schema: {
        summary: 'The append-only audit log of the self-healing loop, newest first',
        tags,
        querystring: ListQuery([]),
        response: { 400: ErrorSchema },
      },
    },
    async (request) => {
      const page = await healing.listAudit(listQuery(request.query as HealingQueryInput));
      return { items: page.items.map((e) => withIsoTimes(e, ['at'])), total: page.total };
    },
  );
}
