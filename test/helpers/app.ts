/** The real HTTP app over a real store (PGlite on a fresh data folder) and engine, for e2e tests. */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { openStore, type Store } from '../../src/adapters/index.js';
import type {
  AnomalyService,
  LogMiningService,
  PredictionService,
  PredictionServiceOptions,
  RootCauseService,
  WriteBackService,
} from '../../src/app/index.js';
import { composeCore, type WriteBackOptions } from '../../src/compose.js';
import type { Healing, HealingOptions } from '../../src/compose-healing.js';
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
  /** Failure prediction (tick() runs preflights and retraining when due; no timer runs in tests). */
  prediction: PredictionService;
  /** Errors the services reported in the background (what, error). */
  warnings: { what: string; err: Error }[];
  /** The one model registry the services and routes share. */
  registry: ModelRegistry;
  /** Write-back, when the options asked for it (tick() runs a pass; no timer runs in tests). */
  writeBack: WriteBackService | null;
  /** The self-healing loop, when the options asked for it (tick() runs it; no timer runs in tests). */
  healing: Healing | null;
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
  /** Run the self-healing loop with these runbooks, guards and executors. */
  healing?: HealingOptions;
  /** Failure prediction options (preflight lead, retraining cron, …). */
  prediction?: PredictionServiceOptions;
  /** Write-back to FlexiRoaster tables in this database and schema (`store` for the app's own store). */
  writeBack?: Omit<WriteBackOptions, 'sql'> & { sql: WriteBackOptions['sql'] | 'store' };
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
  const warnings: { what: string; err: Error }[] = [];
  const core = await composeCore({
    store,
    clock,
    windowMs: (options.windowMinutes ?? 60) * 60_000,
    maxEventsPerPipeline: 5000,
    newId: randomUUID,
    healing: options.healing,
    onWarning: (err, what) => {
      warnings.push({ what, err });
      if (what.startsWith('anomaly')) anomalyErrors.push(err);
    },
    prediction: options.prediction,
    ...(options.writeBack === undefined
      ? {}
      : {
          writeBack: {
            ...options.writeBack,
            sql: options.writeBack.sql === 'store' ? store.sql : options.writeBack.sql,
          },
        }),
  });
  const app = await buildApp(
    {
      ...core.services,
      status: () => ({ monitoring: core.engine.stats(), healing: core.healing?.admin.status() ?? null }),
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
    engine: core.engine,
    anomaly: core.anomaly,
    anomalyErrors,
    mining: core.mining,
    rootCause: core.rootCause,
    healing: core.healing,
    prediction: core.prediction,
    warnings,
    registry: core.registry,
    writeBack: core.writeBack,
    clock,
    close: async () => {
      await app.close();
      await core.flush();
      await store.close();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
