/** The real HTTP app over a real store (PGlite on a fresh data folder) and engine, for e2e tests. */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { openStore, type Store } from '../../src/adapters/index.js';
import type { AnomalyService, LogMiningService, RootCauseService } from '../../src/app/index.js';
import { composeCore } from '../../src/compose.js';
import { parseApiKeys } from '../../src/config/index.js';
import { buildApp } from '../../src/http/index.js';
import type { MonitoringEngine } from '../../src/monitoring/index.js';
import type { ModelRegistry } from '../../src/registry/index.js';
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
  /** The one model registry the services and routes share. */
  registry: ModelRegistry;
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
  const anomalyErrors: Error[] = [];
  const core = await composeCore({
    store,
    clock,
    windowMs: (options.windowMinutes ?? 60) * 60_000,
    maxEventsPerPipeline: 5000,
    newId: randomUUID,
    onWarning: (err, what) => {
      if (what.startsWith('anomaly')) anomalyErrors.push(err);
    },
  });
  const app = await buildApp(
    { ...core.services, status: () => ({ monitoring: core.engine.stats() }) },
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
    engine: core.engine,
    anomaly: core.anomaly,
    anomalyErrors,
    mining: core.mining,
    rootCause: core.rootCause,
    registry: core.registry,
    clock,
    close: async () => {
      await app.close();
      await core.flush();
      await store.close();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
