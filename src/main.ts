/**
 * Composition root: config → adapters → services → HTTP → listen. Signals and shutdown live here
 * and nowhere else.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import {
  createSources,
  ensureDemoSchema,
  openStore,
  openWriteBackConnection,
  pruneDemoRows,
  startRetentionPruner,
  startStore,
  storeOptionsFromConfig,
  writeDemoRows,
  type StoreNotice,
  type StoreStart,
} from './adapters/index.js';
import { composeCore } from './compose.js';
import type { ServeConfig } from './config/index.js';
import { healingOptionsFromConfig } from './healing-options.js';
import type { HealingOptions } from './compose-healing.js';
import { buildApp } from './http/index.js';
import { createDriver, createFleet, demoControlApi, type FleetDriver } from './demo/index.js';
import type { SqlClient } from './ports/index.js';
import type { Clock } from './shared/index.js';

export const systemClock: Clock = { now: () => Date.now() };

export interface RunningService {
  /** Base URL the API listens on. */
  url: string;
  /** Graceful stop: finish in-flight requests, flush acknowledged events, close the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** Install SIGINT/SIGTERM handlers that close the service (the CLI does; tests don't). */
  handleSignals?: boolean;
  /**
   * The store's first step, begun by the caller (startStore with the config's data folder and
   * database URL) before loading this module, so PGlite opens meanwhile; begun here when absent.
   */
  storeStart?: StoreStart;
}

/** Starts the whole service with a compiled config; resolves once it listens. */
export async function startService(
  config: Readonly<ServeConfig>,
  options: StartOptions = {},
): Promise<RunningService> {
  const startedAt = Date.now();
  // Milliseconds since the process started, as each step of the start is done (logged once listening).
  const steps: Record<string, number> = {};
  const step = (name: string) => void (steps[name] = Math.round(performance.now()));
  step('loaded');
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? pino({ level: config.logLevel, base: { service: 'flexiroaster' } });
  const version = packageVersion();

  // Known once the service listens: the demo's orchestrator control API is served here.
  let selfUrl = '';
  // PGlite opens in its worker while the runbooks load; a bad runbook closes it again.
  const started = options.storeStart ?? (await startStore(storeOptionsFromConfig(config)));
  let healing: HealingOptions;
  try {
    healing = await healingOptionsFromConfig(config, {
      clock,
      log,
      selfUrl: () => selfUrl,
      owner: randomUUID(),
    });
  } catch (err) {
    await started.abandon();
    throw err;
  }
  const store = await openStore({
    ...storeOptionsFromConfig(config),
    started,
    clock,
    onNotice: logNotice(log),
  });
  step('store');
  // Until the service listens, a failed step closes what is open, newest first (an open PGlite
  // worker would keep the process alive), then fails the start.
  const opened: (() => Promise<unknown>)[] = [() => store.close()];
  const orClose = async <T>(build: () => T | Promise<T>): Promise<T> => {
    try {
      return await build();
    } catch (err) {
      for (const closeIt of opened.reverse()) await closeIt().catch(() => undefined);
      throw err;
    }
  };
  // Write-back goes to the source database, or (the demo without one) to the demo's schema.
  const writeBackDb = config.writeBack
    ? openWriteBackConnection({
        sourceDatabaseUrl: config.sourceDatabaseUrl,
        store: store.sql,
        onIdleError: (err) => log.warn({ err: err.message }, 'write-back: idle connection error'),
      })
    : null;
  if (writeBackDb !== null) opened.push(() => writeBackDb.close());
  const writeBackSchema = config.sourceDatabaseUrl === null ? DEMO_SCHEMA : config.sourceSchema;
  const core = await orClose(() =>
    composeCore({
      store,
      clock,
      windowMs: config.windowMs,
      maxEventsPerPipeline: config.windowMaxEvents,
      newId: randomUUID,
      // Ready once ingest can be accepted and kept: the history refills the live state behind it.
      warmUp: 'background',
      onWarning: (err, what) => log.warn({ err }, what),
      onTemplateEvent: (e) => log.debug({ ...e }, `logs: ${e.type}`),
      healing,
      prediction: {
        preflightLeadMs: config.preflightLeadSeconds * 1000,
        retrainCron: config.retrainCron === 'off' ? null : config.retrainCron,
        historyMs: config.predictionHistoryDays * 86_400_000,
        minHistoryRuns: config.predictionMinHistoryRuns,
        alertPrecision: config.predictionAlertPrecision,
        actPrecision: config.predictionActPrecision,
      },
      onInfo: (message, fields) => log.info(fields, message),
      models: { canaryShare: config.canaryShare, routeRefreshMs: config.modelRouteRefreshMs },
      ...(config.modelAutoPromote
        ? { modelGate: { minOutcomes: config.modelGateMinOutcomes, intervalMs: config.modelGateIntervalMs } }
        : {}),
      onModelGate: (d) =>
        log[d.promoted === null ? 'debug' : 'info'](
          { kind: d.kind, promoted: d.promoted, reason: d.reason, outcomes: d.comparison.outcomes },
          d.promoted === null
            ? 'models: gate kept the full version'
            : 'models: gate promoted a version to full',
        ),
      ...(writeBackDb === null
        ? {}
        : {
            writeBack: {
              sql: writeBackDb.sql,
              schema: writeBackSchema,
              intervalMs: config.writeBackIntervalMs,
              batchSize: config.writeBackBatch,
              onSkip: (skip) => log.debug(skip, 'write-back: skipped'),
              // The first failure of a streak is a warning; the rest, until it recovers, debug.
              onError: (err, n) =>
                log[n === 1 ? 'warn' : 'debug'](
                  { err: err.message, consecutive_failures: n },
                  'write-back: pass failed, retrying on the next',
                ),
              onRecovered: (n) => log.info({ failed_passes: n }, 'write-back: target reachable again'),
            },
          }),
    }),
  );
  step('core');
  const { engine, ingest } = core;
  if (config.demo) await orClose(() => ensureDemoSchema(store.sql, DEMO_SCHEMA));
  const demo = config.demo ? startDemo(config, clock, log, store.sql, core.hasHistory) : null;
  const sources = createSources({
    config,
    store: store.sql,
    sink: (events) => ingest.ingestEvents(events),
    clock,
    log,
    demoSchema: config.demo ? DEMO_SCHEMA : undefined,
    random: () => randomInt(1 << 30) / (1 << 30),
  });

  const app = await orClose(() =>
    buildApp(
      {
        ...core.services,
        status: () => ({
          version,
          started_at: new Date(startedAt).toISOString(),
          uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
          store_backend: store.backend,
          monitoring: engine.stats(),
          warm_start: warmStart,
          logs: core.mining.stats(),
          demo: config.demo,
          sources: sources.health(),
          healing: core.healing?.admin.status() ?? null,
          write_back: core.writeBack?.stats() ?? null,
        }),
        sourceHealth: () => sources.health(),
        ...(demo
          ? { demoControlApi: async (app) => app.register(demoControlApi, { fleet: demo.fleet }) }
          : {}),
      },
      {
        apiKeys: config.apiKeys,
        bodyLimitBytes: config.bodyLimitBytes,
        logger: log,
        version,
        otlpAttributes: {
          pipelineId: config.otlpPipelineAttribute,
          executionId: config.otlpExecutionAttribute,
          stageId: config.otlpStageAttribute,
        },
      },
    ),
  );
  step('app');
  const warmStart: { state: 'running' | 'done' | 'failed'; events: number; ms: number | null } = {
    state: 'running',
    events: 0,
    ms: null,
  };
  let stopTimers: (() => void) | null = null;
  const pruner = startRetentionPruner({
    events: store.events,
    retentionMs: config.retentionMs,
    clock,
    onPruned: (deleted) => log.info({ deleted }, 'retention: pruned raw events'),
    onError: (err) => log.warn({ err }, 'retention: prune failed'),
  });

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      log.info('shutting down: finishing requests, flushing the journal');
      await demo?.driver.stop();
      await sources.stop().catch((err: unknown) => log.warn({ err }, 'sources: stop failed'));
      await app.close();
      stopTimers?.();
      await core.flush();
      await writeBackDb?.close().catch((err: unknown) => log.warn({ err }, 'write-back: close failed'));
      await pruner.stop();
      await store.close();
      log.info('stopped');
    })());

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await close();
    throw err;
  }
  step('listening');
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  selfUrl = url;
  log.info(
    {
      api: url,
      docs: `${url}/docs`,
      store:
        store.backend === 'pglite'
          ? `PGlite in ${resolve(config.dataDir)}`
          : 'Postgres server (--database-url)',
      journal: resolve(config.dataDir, 'journal'),
      demo: config.demo,
      write_back: config.writeBack
        ? `${config.sourceDatabaseUrl === null ? 'demo' : 'source'} schema ${writeBackSchema}`
        : 'off',
      startup_ms: Date.now() - startedAt,
      startup_steps_ms: steps,
    },
    `FlexiRoaster AI listening on ${url} (docs ${url}/docs, data ${resolve(config.dataDir)})`,
  );

  // After listening: the history refills the live state while ingest is accepted and held. The
  // periodic work (healing, preflights, baselines) starts once the live state is whole.
  void core.warm().then(
    (events) => {
      Object.assign(warmStart, { state: 'done', events, ms: Date.now() - startedAt });
      if (closing === null) stopTimers = core.startTimers();
      log.info(
        { replayed_events: events, warm_ms: warmStart.ms },
        'warm start: live state refilled from the store',
      );
    },
    (err: unknown) => {
      warmStart.state = 'failed';
      // Shutting down during warm-up ends the replay's scan; that is no failure to report.
      if (closing !== null) return;
      stopTimers = core.startTimers();
      log.error({ err }, 'warm start failed: the live state holds only what is ingested from now');
    },
  );
  sources.start();
  demo?.driver.start().then(
    () => demo.openingFault(),
    (err: unknown) => log.error({ err }, 'demo: backfill failed'),
  );

  if (options.handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'signal received');
      close().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return { url, close };
}

const DEMO_BACKFILL_MS = 2 * 3_600_000;
/** The demo's FlexiRoaster tables live in this schema of the service's own database. */
const DEMO_SCHEMA = 'flexiroaster_demo';
/** Demo rows older than this are deleted, so the tables (and each poll) stay small. */
const DEMO_KEEP_MS = 3 * 3_600_000;
/** How long the demo's opening fault lasts unless a fix ends it. */
const DEMO_OPENING_FAULT_MS = 45 * 60_000;

/**
 * The demo fleet writes FlexiRoaster rows into its own schema and the change consumer reads them
 * (poll mode), so the demo runs the same path as a real source. A fresh store gets two hours of
 * simulated history at once; a store that already holds history continues from now, so a restart
 * never doubles the past.
 */
function startDemo(
  config: Readonly<ServeConfig>,
  clock: Clock,
  log: Logger,
  sql: SqlClient,
  hasHistory: boolean,
): { fleet: ReturnType<typeof createFleet>; driver: FleetDriver; openingFault: () => void } {
  const backfillMs = hasHistory ? 0 : DEMO_BACKFILL_MS;
  const fleet = createFleet({
    seed: config.demoSeed,
    pipelines: config.demoPipelines,
    startMs: clock.now() - backfillMs,
    emit: 'rows',
  });
  let prunedAt = clock.now();
  const driver = createDriver({
    fleet,
    clock,
    backfillMs,
    sink: async () => undefined,
    rowSink: async (rows) => {
      await writeDemoRows(sql, DEMO_SCHEMA, rows);
      if (clock.now() - prunedAt > 600_000) {
        prunedAt = clock.now();
        await pruneDemoRows(sql, DEMO_SCHEMA, prunedAt - DEMO_KEEP_MS);
      }
    },
    onError: (err) => log.warn({ err }, 'demo: delivery failed, will retry'),
    onFaults: (episodes) => {
      for (const e of episodes)
        log.info(
          { fault: e.fault, pipeline_id: e.pipeline_id, fault_id: e.fault_id },
          'demo: fault injected',
        );
    },
  });
  log.info(
    {
      pipelines: config.demoPipelines,
      seed: config.demoSeed,
      backfill_minutes: backfillMs / 60_000,
      schema: DEMO_SCHEMA,
    },
    'demo fleet on (rows into the demo schema, read by the change consumer)',
  );
  // The opening act: the backfill's faults are over by now and the next planned one may be half an
  // hour away, so an out-of-memory episode starts on the busiest pipeline right after the backfill:
  // within minutes its runs fail, the loop adds workers, and the next runs verify the fix.
  // (The driver's next advance reports it, like every episode, as "demo: fault injected".)
  const openingFault = (): void => {
    fleet.injectFault(fleet.busiestPipeline(), 'oom', DEMO_OPENING_FAULT_MS);
  };
  return { fleet, driver, openingFault };
}

function logNotice(log: Logger) {
  return (notice: StoreNotice) => {
    const { type, ...rest } = notice;
    const level = type === 'journal:recovered' || type === 'flush:recovered' ? 'info' : 'warn';
    log[level]({ ...rest }, `store: ${type}`);
  };
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
