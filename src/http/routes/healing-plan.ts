import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parsePlanRequest, planSelfHealing } from '../../healing/index.js';
import { ErrorSchema } from '../schemas.js';

const nullableNumber = (description: string) =>
  Type.Optional(Type.Union([Type.Number(), Type.Null()], { description }));
const nullableBoolean = (description: string) =>
  Type.Optional(Type.Union([Type.Boolean(), Type.Null()], { description }));
const nullableString = (description: string) =>
  Type.Optional(Type.Union([Type.String(), Type.Null()], { description }));

const PlanBody = Type.Object(
  {
    risk_score: nullableNumber('0..1; missing or null means 0'),
    primary_cause: nullableString(
      'connection_issue, resource_bottleneck, data_inconsistency, configuration_error or unknown',
    ),
    failing_stage: nullableString('the failing stage'),
    retry_count: nullableNumber('retries already made; missing or null means 0'),
    human_approval_mode: nullableBoolean('ask a human whatever the risk'),
    parallelizable: nullableBoolean('the stages could run in parallel'),
  },
  { additionalProperties: true },
);

const PlanResponse = Type.Object(
  {
    actions: Type.Array(
      Type.Object(
        {
          type: Type.String({ description: 'The original action word' }),
          action_id: Type.Union([Type.String(), Type.Null()], {
            description: 'The action id (CONVENTIONS.md); null for advice only',
          }),
          advice_only: Type.Boolean(),
        },
        { additionalProperties: true },
      ),
    ),
    risk_level: Type.String({ description: 'low < 0.6 ≤ medium < 0.8 ≤ high' }),
    requires_human_approval: Type.Boolean(),
    rollback_plan: Type.Array(Type.String()),
    reason: Type.String(),
  },
  { additionalProperties: true },
);

/** The original self-healing plan: advice computed from the body, nothing executed. */
export async function healingPlanRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/api/ai/self-healing/plan',
    {
      config: { scope: 'read' },
      // The body is read by parsePlanRequest, which names the field at fault.
      validatorCompiler: () => () => true,
      schema: {
        summary: 'A remediation plan for a failure: actions, risk level, approval, rollback plan',
        tags: ['self-healing'],
        body: PlanBody,
        response: { 200: PlanResponse, 400: ErrorSchema },
      },
    },
    async (request) => planSelfHealing(parsePlanRequest(request.body)),
  );
}
