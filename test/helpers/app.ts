/** The real HTTP app over a real store (PGlite on a fresh data folder) and engine, for e2e tests. */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import {
  SqlAnomalyStore,
  SqlInsightStore,
  SqlModelStore,
  SqlRootCauseStore,
  SqlTemplateStore,
  openStore,
  type Store,
} from '../../src/adapters/index.js';
import {
  AnomalyService,
  IngestService,
  LogMiningService,
  RecommendationService,
  RootCauseService,
  rebuildLive,
  withTemplateSignals,
} from '../../src/app/index.js';
import { parseApiKeys } from '../../src/config/index.js';
import { buildApp } from '../../src/http/index.js';
import { MonitoringEngine } from '../../src/monitoring/index.js';
import { ModelRegistry } from '../../src/registry/index.js';
import { FakeClock } from '../../src/shared/index.js';
import { freshDataDir } from './pglite.js';

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  engine: MonitoringEngine;
  anomaly: AnomalyService;
  /** Failures to store online anomalies (a test expects none). */
  anomalyErrors: Error[];
  /** Log mining (flush() writes templates), root cause (tick()/flush() analyse failed runs). */
  mining: LogMiningService;
  rootCause: RootCauseService;
  clock: FakeClock;
  close(): Promise<void>;
}

export interface TestAppOptions {
  apiKeys?: string;
  bodyLimitBytes?: number;
  windowMinutes?: number;
  clock?: FakeClock;
  /** Keep the store on this Postgres server instead of PGlite. */
  databaseUrl?: string;
  /** Events acknowledged but not yet in the database before ingest answers 503. */
  maxPendingEvents?: number;
  /** Reuse this data folder (journal, PGlite files) instead of a fresh one; not removed by close. */
  dataDir?: string;
}

/** Builds the app the way main.ts does, with a fake clock and no listening socket. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const clock = options.clock ?? new FakeClock(Date.parse('2026-03-01T12:00:00Z'));
  const dataDir = options.dataDir ?? (await freshDataDir());
  const store = await openStore({
    dataDir,
    databaseUrl: options.databaseUrl,
    clock,
    groupCommitMs: 0,
    maxPendingEvents: options.maxPendingEvents,
    retryBaseMs: 20,
    retryMaxMs: 100,
  });
  const windowMs = (options.windowMinutes ?? 60) * 60_000;
  const mining = await LogMiningService.open({ store: new SqlTemplateStore(store.sql), clock, windowMs });
  const engine = new MonitoringEngine({
    windowMs,
    maxEventsPerPipeline: 5000,
    clock,
    errorPatterns: mining.namer,
  });
  await rebuildLive(store.events, engine, clock, 2 * 3_600_000);
  const anomalyErrors: Error[] = [];
  const anomaly = new AnomalyService({
    events: store.events,
    anomalies: new SqlAnomalyStore(store.sql),
    registry: new ModelRegistry(new SqlModelStore(store.sql), clock),
    clock,
    newId: randomUUID,
    onError: (err) => anomalyErrors.push(err),
  });
  await anomaly.start();
  const snapshot = (pipelineId: string) => engine.snapshot(pipelineId);
  const rootCause = new RootCauseService({ store: new SqlRootCauseStore(store.sql), snapshot, clock });
  const recommendations = new RecommendationService({
    insights: new SqlInsightStore(store.sql),
    snapshot,
    clock,
  });
  const ingest = new IngestService({
    store: store.events,
    live: engine,
    clock,
    newId: randomUUID,
    // Mining first: the other listeners may read snapshots, whose error patterns name mined templates.
    listeners: [mining.onAccepted, anomaly.onAccepted, rootCause.onAccepted],
  });
  const app = await buildApp(
    {
      ingest,
      monitoring: withTemplateSignals(engine, mining),
      storeHealth: () => store.events.health(),
      clock,
      anomaly,
      logInsights: { rootCause, recommendations, logs: mining },
      status: () => ({ monitoring: engine.stats() }),
    },
    {
      apiKeys: parseApiKeys(options.apiKeys ?? ''),
      bodyLimitBytes: options.bodyLimitBytes ?? 10 * 1024 * 1024,
      logger: false,
      version: 'test',
    },
  );
  await app.ready();
  return {
    app,
    store,
    engine,
    anomaly,
    anomalyErrors,
    mining,
    rootCause,
    clock,
    close: async () => {
      await app.close();
      await anomaly.flush();
      await rootCause.flush();
      await mining.flush();
      await store.close();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
