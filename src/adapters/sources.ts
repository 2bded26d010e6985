import type { Logger } from 'pino';
import type { ServeConfig } from '../config/index.js';
import type { TelemetryEvent } from '../domain/index.js';
import { parseCriticalTypes } from '../ingest/index.js';
import type { SourceHealth, SqlClient } from '../ports/index.js';
import { toError, type Clock } from '../shared/index.js';
import { NatsMetricsRunner } from './nats/metrics-consumer.js';
import { waitWhileStoreBehind } from './source/backpressure.js';
import { openSourceClient } from './source/connect.js';
import { createSourceConsumer, type SourceConsumer, type SourceMode } from './source/consumer.js';
import { SourceSupervisor } from './source/supervisor.js';

export interface SourcesOptions {
  config: Pick<
    Readonly<ServeConfig>,
    | 'sourceDatabaseUrl'
    | 'sourceSchema'
    | 'sourceMode'
    | 'sourceSlot'
    | 'pollIntervalMs'
    | 'stageCriticalTypes'
    | 'natsUrl'
    | 'natsStream'
    | 'natsSubject'
    | 'natsDurable'
  >;
  /** The service's store (checkpoints, pipeline catalog). */
  store: SqlClient;
  /** Makes events durable and live (IngestService.ingestEvents). */
  sink: (events: readonly TelemetryEvent[]) => Promise<unknown>;
  clock: Clock;
  log: Pick<Logger, 'info' | 'warn'>;
  /** The demo's tables in the embedded database: followed by polling when no source URL is given. */
  demoSchema?: string;
  /** Uniform in [0, 1): reconnect jitter. */
  random: () => number;
}

/** The configured sources: start once the service listens; health for /api/status and /metrics. */
export interface Sources {
  start(): void;
  health(): SourceHealth[];
  stop(): Promise<void>;
}

/**
 * Sets up every configured source: the FlexiRoaster change consumer (a source URL, or the demo's
 * schema in the embedded database) and the NATS JetStream metrics consumer. Nothing connects
 * before start().
 */
export function createSources(o: SourcesOptions): Sources {
  const c = o.config;
  const parts: { start(): void; health(): SourceHealth; stop(): Promise<void> }[] = [];
  const closers: (() => Promise<void>)[] = [];
  const criticalTypes = parseCriticalTypes(c.stageCriticalTypes);
  const onError = (name: string) => (err: Error, retryInMs: number) =>
    o.log.warn(
      { source: name, err: err.message, retry_in_ms: retryInMs },
      'source: connection failed, reconnecting',
    );
  const consumer = (
    name: string,
    source: SqlClient,
    url: string | null,
    schema: string,
    mode: SourceMode,
  ): SourceConsumer =>
    createSourceConsumer({
      name,
      mode,
      source,
      connectionString: url,
      schema,
      store: o.store,
      sink: o.sink,
      clock: o.clock,
      pollIntervalMs: c.pollIntervalMs,
      criticalTypes,
      slot: c.sourceSlot,
      random: o.random,
      onModeChosen: (m, reason) =>
        o.log.info({ source: name, mode: m, reason, schema }, `source ${name}: ${m} mode (${reason})`),
      onReject: (r) => o.log.warn({ source: name, ...r }, 'source: row skipped'),
      onError: onError(name),
    });

  if (c.sourceDatabaseUrl !== null) {
    const db = openSourceClient(c.sourceDatabaseUrl, (err) =>
      o.log.warn({ err: err.message }, 'source: idle connection error'),
    );
    parts.push(consumer('flexiroaster', db, c.sourceDatabaseUrl, c.sourceSchema, c.sourceMode as SourceMode));
    closers.push(() => db.close());
  } else if (o.demoSchema !== undefined) {
    parts.push(consumer('demo', o.store, null, o.demoSchema, 'poll'));
  }

  if (c.natsUrl !== null) {
    const sup: SourceSupervisor = new SourceSupervisor(
      new NatsMetricsRunner({
        url: c.natsUrl,
        stream: c.natsStream,
        subject: c.natsSubject,
        durable: c.natsDurable,
        clock: o.clock,
        sink: waitWhileStoreBehind(o.sink, (): boolean => sup.stopping),
        onEvents: (n) => (sup.counts.events += n),
        onReject: (subject, field, reason) => {
          sup.counts.rejected++;
          o.log.warn({ source: 'nats', subject, field, reason }, 'source: message skipped');
        },
      }),
      { name: 'nats', clock: o.clock, random: o.random, onError: onError('nats') },
    );
    o.log.info(
      { source: 'nats', stream: c.natsStream, subject: c.natsSubject, durable: c.natsDurable },
      'source nats: JetStream metrics consumer on',
    );
    parts.push(sup);
  }

  return {
    start: () => parts.forEach((p) => p.start()),
    health: () => parts.map((p) => p.health()),
    stop: async () => {
      const errors: Error[] = [];
      for (const p of parts) await p.stop().catch((err: unknown) => errors.push(toError(err)));
      for (const close of closers) await close().catch((err: unknown) => errors.push(toError(err)));
      if (errors.length > 0) throw errors[0];
    },
  };
}
