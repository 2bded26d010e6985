import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { WriteBackStats } from '../app/index.js';
import type { SourceHealth, StoreHealth } from '../ports/index.js';

export interface MetricsSources {
  storeHealth(): StoreHealth;
  engineStats(): { pipelines: number; windowedEvents: number };
  sourceHealth?(): SourceHealth[];
  /** Log mining since start: lines mined, templates born, merges; and templates alive now. */
  logStats?(): { lines: number; new_templates: number; merges: number; templates: number } | undefined;
  /** Write-back since start; null when it is off. */
  writeBackStats?(): WriteBackStats | null;
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
    registerSourceGauges(registers, () => sources.sourceHealth?.() ?? []);
    registerLogGauges(registers, () => sources.logStats?.());
    registerWriteBackGauges(registers, () => sources.writeBackStats?.() ?? null);
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

/** Log mining gauges (counts since start, like the source gauges); absent without log mining. */
function registerLogGauges(
  registers: Registry[],
  stats: () => { lines: number; new_templates: number; merges: number; templates: number } | undefined,
): void {
  const gauge = (name: string, help: string, key: 'lines' | 'new_templates' | 'merges' | 'templates') =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const s = stats();
        if (s !== undefined) this.set(s[key]);
      },
    });
  gauge('flexiroaster_log_lines_mined', 'Log lines and error messages mined since start.', 'lines');
  gauge('flexiroaster_log_templates', 'Log templates alive (after merges).', 'templates');
  gauge('flexiroaster_log_templates_new', 'Log templates born since start.', 'new_templates');
  gauge('flexiroaster_log_template_merges', 'Log template merges since start.', 'merges');
}

/** Write-back gauges (counts since start); absent while write-back is off. */
function registerWriteBackGauges(registers: Registry[], stats: () => WriteBackStats | null): void {
  new Gauge({
    name: 'flexiroaster_write_back_rows',
    help: 'Rows written back to FlexiRoaster since start, by what (insight|alert_opened|alert_resolved|dismissal_read|dismissal_written).',
    labelNames: ['what'],
    registers,
    collect() {
      const s = stats();
      if (s === null) return;
      this.set({ what: 'insight' }, s.insights_written);
      this.set({ what: 'alert_opened' }, s.alerts_opened);
      this.set({ what: 'alert_resolved' }, s.alerts_resolved);
      this.set({ what: 'dismissal_read' }, s.dismissals_read);
      this.set({ what: 'dismissal_written' }, s.dismissals_written);
    },
  });
  new Gauge({
    name: 'flexiroaster_write_back_skipped',
    help: 'Insights and alerts not written back since start, by reason.',
    labelNames: ['reason'],
    registers,
    collect() {
      const s = stats();
      if (s !== null) for (const [reason, n] of Object.entries(s.skipped)) this.set({ reason }, n);
    },
  });
  new Gauge({
    name: 'flexiroaster_write_back_failed_passes',
    help: 'Write-back passes that failed since start (the target down, …); their rows are retried.',
    registers,
    collect() {
      const s = stats();
      if (s !== null) this.set(s.failed_passes);
    },
  });
}

/** Per-source gauges: connected, lag, events made durable, rows or messages skipped. */
function registerSourceGauges(registers: Registry[], health: () => SourceHealth[]): void {
  const gauge = (name: string, help: string, value: (h: SourceHealth) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['source', 'mode'],
      registers,
      collect() {
        this.reset();
        for (const h of health()) this.set({ source: h.name, mode: h.mode }, value(h));
      },
    });
  gauge('flexiroaster_source_connected', '1 when the source is connected and reading.', (h) =>
    h.connected ? 1 : 0,
  );
  gauge(
    'flexiroaster_source_lag_seconds',
    'Age of the oldest source change not yet durable.',
    (h) => h.lag_seconds,
  );
  gauge('flexiroaster_source_events', 'Events made durable from the source since start.', (h) => h.events);
  gauge(
    'flexiroaster_source_rejected',
    'Source rows or messages skipped as undecodable since start.',
    (h) => h.rejected,
  );
}
