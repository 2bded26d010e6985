import type { FastifyInstance } from 'fastify';
import type { StoreHealth } from '../../ports/index.js';
import { errorBody } from '../errors.js';
import type { ServiceMetrics } from '../metrics.js';

export interface OpsRouteDeps {
  storeHealth(): StoreHealth;
  metrics: ServiceMetrics;
  /** Everything `GET /api/status` reports besides the store. */
  status(): Record<string, unknown>;
}

/** Liveness, readiness, status and Prometheus metrics. */
export async function opsRoutes(app: FastifyInstance, deps: OpsRouteDeps): Promise<void> {
  app.get(
    '/healthz',
    { config: { scope: 'open' }, schema: { summary: 'Process alive', tags: ['operations'] } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: { scope: 'open' },
      schema: { summary: 'Ready once ingest can be accepted and persisted', tags: ['operations'] },
    },
    async (_request, reply) => {
      const health = deps.storeHealth();
      if (health.ready) return { status: 'ready' };
      return reply
        .status(503)
        .header('retry-after', '1')
        .send(errorBody('STORE_UNAVAILABLE', `not ready: ${health.lastError ?? 'store is catching up'}`));
    },
  );

  app.get(
    '/api/status',
    { schema: { summary: 'Service, store and source status', tags: ['operations'] } },
    async () => ({
      ...deps.status(),
      store: deps.storeHealth(),
    }),
  );

  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics', tags: ['operations'], hide: false } },
    async (_request, reply) => {
      const text = await deps.metrics.registry.metrics();
      return reply.type(deps.metrics.registry.contentType).send(text);
    },
  );
}
