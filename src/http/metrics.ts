import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StoreHealth } from '../ports/index.js';

export interface MetricsSources {
  storeHealth(): StoreHealth;
  engineStats(): { pipelines: number; windowedEvents: number };
}

/** The service's Prometheus metrics on a registry of its own (one per app, so tests don't share). */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly ingestEvents: Counter<'result'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({
      register: this.registry,
      prefix: 'flexiroaster_',
      eventLoopMonitoringPrecision: 10,
    });
    this.ingestEvents = new Counter({
      name: 'flexiroaster_ingest_events_total',
      help: 'Events received by the ingest API, by result (accepted|rejected).',
      labelNames: ['result'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'flexiroaster_http_request_duration_seconds',
      help: 'HTTP request latency by route.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers,
    });
    new Gauge({
      name: 'flexiroaster_store_pending_events',
      help: 'Events acknowledged (in the journal) but not yet in the database.',
      registers,
      collect() {
        this.set(sources.storeHealth().pendingEvents);
      },
    });
    new Gauge({
      name: 'flexiroaster_store_lag_seconds',
      help: 'Age of the oldest acknowledged event not yet in the database.',
      registers,
      collect() {
        this.set(sources.storeHealth().lagMs / 1000);
      },
    });
    new Gauge({
      name: 'flexiroaster_store_ready',
      help: '1 when the store accepts and persists ingest.',
      registers,
      collect() {
        this.set(sources.storeHealth().ready ? 1 : 0);
      },
    });
    new Gauge({
      name: 'flexiroaster_monitored_pipelines',
      help: 'Pipelines the monitoring engine knows.',
      registers,
      collect() {
        this.set(sources.engineStats().pipelines);
      },
    });
    new Gauge({
      name: 'flexiroaster_windowed_events',
      help: 'Events in the live sliding windows.',
      registers,
      collect() {
        this.set(sources.engineStats().windowedEvents);
      },
    });
  }
}
