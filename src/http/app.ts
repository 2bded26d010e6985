import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyServerOptions,
} from 'fastify';
import type { IngestService, WriteBackStats } from '../app/index.js';
import type { ApiKey } from '../config/index.js';
import type { OtlpAttributeNames } from '../ingest/index.js';
import type { SourceHealth, StoreHealth } from '../ports/index.js';
import { NotFoundError, type Clock } from '../shared/index.js';
import { authHook } from './auth.js';
import { handleError } from './errors.js';
import { ServiceMetrics } from './metrics.js';
import { anomalyRoutes, type AnomalyRoutesService } from './routes/anomaly.js';
import { healingRoutes, type HealingRoutesService } from './routes/healing.js';
import { healingPlanRoutes } from './routes/healing-plan.js';
import { modelRoutes, type ModelRoutesService } from './routes/models.js';
import { monitoringRoutes, type MonitoringQueries } from './routes/monitoring.js';
import { opsRoutes } from './routes/ops.js';
import { predictionRoutes, type PredictionRoutesService } from './routes/prediction.js';
import { logInsightRoutes, type LogInsightRoutesService } from './routes/root-cause.js';
import { otlpRoutes } from './routes/otlp.js';

export interface AppServices {
  ingest: IngestService;
  monitoring: MonitoringQueries & { stats(): { pipelines: number; windowedEvents: number } };
  storeHealth(): StoreHealth;
  clock: Clock;
  /** Fields of `GET /api/status` besides the store's health. */
  status(): Record<string, unknown>;
  /** Health of the change consumer and stream sources (for /metrics). */
  sourceHealth?(): SourceHealth[];
  /** Write-back to FlexiRoaster's tables since start (for /metrics); null when off. */
  writeBackStats?(): WriteBackStats | null;
  /** Anomaly detection: detect, train, anomalies, incidents, feedback. */
  anomaly?: AnomalyRoutesService;
  /** Model versions and their rollout (the shared ModelRegistry). */
  models?: ModelRoutesService;
  /** Root cause, recommendations, insights and log templates. */
  logInsights?: LogInsightRoutesService;
  /** Failure prediction: train, predict, preflight, predictions, retraining status. */
  prediction?: PredictionRoutesService;
  /** The self-healing loop: runbooks, kill switch, approvals, actions, outcomes, audit. */
  healing?: HealingRoutesService;
  /** The demo fleet's orchestrator control API, mounted at /demo/orchestrator/api when the demo runs. */
  demoControlApi?: FastifyPluginAsync;
}

export interface HttpOptions {
  apiKeys: readonly ApiKey[];
  bodyLimitBytes: number;
  logger: FastifyServerOptions['loggerInstance'] | boolean;
  version: string;
  /** Attributes of OTLP metrics that carry the pipeline, execution and stage ids. */
  otlpAttributes?: OtlpAttributeNames;
}

/** Builds the HTTP app (no listening): routes, auth, errors, metrics, OpenAPI at /docs. */
export async function buildApp(services: AppServices, options: HttpOptions): Promise<FastifyInstance> {
  const logger = options.logger;
  const app = Fastify({
    ...(typeof logger === 'boolean' ? { logger } : { loggerInstance: logger }),
    bodyLimit: options.bodyLimitBytes,
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false } },
  }) as unknown as FastifyInstance;
  const metrics = new ServiceMetrics({
    storeHealth: services.storeHealth,
    engineStats: () => services.monitoring.stats(),
    sourceHealth: () => services.sourceHealth?.() ?? [],
    logStats: () => services.logInsights?.logs.stats(),
    writeBackStats: () => services.writeBackStats?.() ?? null,
  });

  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request) => {
    throw new NotFoundError(`no route ${request.method} ${request.url.split('?')[0]}`);
  });
  const auth = authHook(options.apiKeys);
  if (auth !== null) app.addHook('onRequest', auth);
  // A callback hook, not an async one: no promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    metrics.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'FlexiRoaster AI',
        version: options.version,
        description:
          'Self-healing backend for data pipelines. Compatible with the original FlexiRoaster AI endpoints.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: options.apiKeys.length > 0 ? [{ bearer: [] }] : [],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });
  app.get('/openapi.json', { config: { scope: 'open' }, schema: { hide: true } }, async () => app.swagger());

  await app.register(opsRoutes, { storeHealth: services.storeHealth, metrics, status: services.status });
  await app.register(monitoringRoutes, {
    ingest: services.ingest,
    monitoring: services.monitoring,
    metrics,
    clock: services.clock,
    bodyLimitBytes: options.bodyLimitBytes,
  });
  await app.register(otlpRoutes, {
    ingest: services.ingest,
    metrics,
    clock: services.clock,
    attributes: options.otlpAttributes ?? {
      pipelineId: 'pipeline_id',
      executionId: 'execution_id',
      stageId: 'stage_id',
    },
  });
  await app.register(healingPlanRoutes);
  if (services.anomaly) await app.register(anomalyRoutes, { anomaly: services.anomaly });
  if (services.logInsights) await app.register(logInsightRoutes, { service: services.logInsights });
  if (services.prediction) await app.register(predictionRoutes, { prediction: services.prediction });
  if (services.healing) await app.register(healingRoutes, { healing: services.healing });
  if (services.models) await app.register(modelRoutes, { models: services.models });
  if (services.demoControlApi)
    await app.register(services.demoControlApi, { prefix: '/demo/orchestrator/api' });
  return app;
}
