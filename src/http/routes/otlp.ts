import type { FastifyInstance } from 'fastify';
import type { IngestService } from '../../app/index.js';
import { decodeOtlpMetrics, type OtlpAttributeNames } from '../../ingest/index.js';
import type { Clock } from '../../shared/index.js';
import type { ServiceMetrics } from '../metrics.js';

export interface OtlpRouteDeps {
  ingest: IngestService;
  metrics: ServiceMetrics;
  clock: Clock;
  attributes: OtlpAttributeNames;
}

/** OpenTelemetry OTLP/HTTP metrics in the JSON encoding: `POST /v1/metrics`. */
export async function otlpRoutes(app: FastifyInstance, deps: OtlpRouteDeps): Promise<void> {
  // OTLP/HTTP JSON only; protobuf bodies get a 415 rather than a guess.
  app.removeContentTypeParser('text/plain');

  app.post(
    '/v1/metrics',
    {
      config: { scope: 'ingest' },
      validatorCompiler: () => () => true,
      schema: {
        summary: 'OTLP/HTTP JSON metrics (ExportMetricsServiceRequest)',
        description:
          'Gauges and sums become metric events point by point; histograms and summaries become `<name>_mean` and `<name>_count` (a duration histogram in ms or s becomes latency_ms). The pipeline, execution and stage ids come from resource or point attributes (names configurable).',
        tags: ['ingest'],
      },
    },
    async (request) => {
      const decoded = decodeOtlpMetrics(request.body, {
        receivedAt: deps.clock.now(),
        attributes: deps.attributes,
      });
      if (decoded.events.length > 0) await deps.ingest.ingestEvents(decoded.events);
      deps.metrics.ingestEvents.inc({ result: 'accepted' }, decoded.events.length);
      if (decoded.rejectedPoints === 0) return {};
      deps.metrics.ingestEvents.inc({ result: 'rejected' }, decoded.rejectedPoints);
      return {
        partialSuccess: { rejectedDataPoints: decoded.rejectedPoints, errorMessage: decoded.firstRejection },
      };
    },
  );
}
