/**
 * The service's engines and application services wired over a store: what main.ts serves and what
 * the end-to-end tests and benchmarks drive. One place, so tests exercise the composition users run.
 */
import {
  SqlAnomalyOutcomes,
  SqlAnomalyStore,
  SqlInsightStore,
  SqlModelStore,
  SqlPipelineCatalog,
  SqlPredictionStore,
  SqlRootCauseStore,
  SqlTemplateStore,
  SqlWriteBackLedger,
  SqlWriteBackTarget,
  type Store,
} from './adapters/index.js';
import {
  AnomalyService,
  IngestService,
  LogMiningService,
  PredictionService,
  RecommendationService,
  RootCauseService,
  WriteBackService,
  WarmGate,
  liveConsumer,
  openHistoryReplay,
  withFindingsListener,
  withTemplateSignals,
  type FindingsListener,
  type PredictionServiceOptions,
  type WriteBackDeps,
} from './app/index.js';
import { composeHealing, type Healing, type HealingOptions } from './compose-healing.js';
import type { AppServices } from './http/index.js';
import { MonitoringEngine } from './monitoring/index.js';
import { ModelRegistry, outcomesByKind, type GateDecision, type RegistryOptions } from './registry/index.js';
import type { SqlClient } from './ports/index.js';
import type { Clock } from './shared/index.js';

/** Write-back of insights and incidents to FlexiRoaster's ai_insights and alerts. */
export interface WriteBackOptions extends Pick<WriteBackDeps, 'onSkip' | 'onError' | 'onRecovered'> {
  /** The database holding the FlexiRoaster tables (a source database, or the store for the demo). */
  sql: SqlClient;
  schema: string;
  intervalMs: number;
  batchSize: number;
}

export interface CoreOptions {
  store: Store;
  clock: Clock;
  windowMs: number;
  maxEventsPerPipeline: number;
  newId: () => string;
  /** Told about failures of background work (storing findings, listeners); never thrown. */
  onWarning?: (err: Error, what: string) => void;
  /** Told about template births and merges. */
  onTemplateEvent?: (event: { type: string }) => void;
  /** Failure prediction: preflight lead, retraining schedule, …; `tickMs` paces preflights and retraining checks. */
  prediction?: PredictionServiceOptions & { tickMs?: number };
  /** Told about training progress (for the logs). */
  onInfo?: (message: string, fields: Record<string, unknown>) => void;
  /** The self-healing loop; none when absent. */
  healing?: HealingOptions;
  /** Model rollout: a canary's default share and how long routing is answered from memory. */
  models?: Pick<RegistryOptions, 'canaryShare' | 'routeRefreshMs'>;
  /** The automatic promotion gate, checked every `intervalMs`; off when absent. */
  modelGate?: { minOutcomes: number; intervalMs: number };
  /** Told what each automatic gate check decided, per kind with a challenger. */
  onModelGate?: (decision: GateDecision) => void;
  /** Write-back to FlexiRoaster's tables; none when absent. */
  writeBack?: WriteBackOptions;
  /**
   * Refill the live state from the store's history before composeCore resolves (the default), or
   * when the caller asks (warm()), while ingest is already accepted (held from the live state until then).
   */
  warmUp?: 'before' | 'background';
}

export interface Core {
  engine: MonitoringEngine;
  mining: LogMiningService;
  anomaly: AnomalyService;
  rootCause: RootCauseService;
  recommendations: RecommendationService;
  ingest: IngestService;
  prediction: PredictionService;
  /** The self-healing loop, when on. */
  healing: Healing | null;
  /** Model versions of every kind and their rollout: one instance for every service and route. */
  registry: ModelRegistry;
  /** Write-back to FlexiRoaster's tables, when on. */
  writeBack: WriteBackService | null;
  /** Whether the store held history at start (the demo does not backfill then). */
  hasHistory: boolean;
  /**
   * Starts refilling the live state from the store's history (once; done already with warmUp
   * 'before'); resolves once it holds the history and what was ingested meanwhile, to how many
   * events were read. Live views answer 503 until then.
   */
  warm(): Promise<number>;
  /** The HTTP services the core provides (the caller adds status and its own extras). */
  services: Omit<AppServices, 'status'>;
  /** Starts the periodic work (template saves, root-cause settling, anomaly upkeep); returns its stop. */
  startTimers(): () => void;
  /** Saves what the services hold in memory (findings, templates, analyses). */
  flush(): Promise<void>;
}

/** Builds the core over an open store and refills the live windows from it. */
export async function composeCore(o: CoreOptions): Promise<Core> {
  const { store, clock } = o;
  const warn = (what: string) => (err: Error) => o.onWarning?.(err, what);
  const mining = await LogMiningService.open({
    store: new SqlTemplateStore(store.sql),
    clock,
    windowMs: o.windowMs,
    onEvent: (e) => o.onTemplateEvent?.(e),
  });
  const engine = new MonitoringEngine({
    windowMs: o.windowMs,
    maxEventsPerPipeline: o.maxEventsPerPipeline,
    clock,
    errorPatterns: mining.namer,
  });
  const predictionStore = new SqlPredictionStore(store.sql);
  const registry = new ModelRegistry(new SqlModelStore(store.sql), clock, {
    ...o.models,
    outcomes: outcomesByKind({
      anomaly: new SqlAnomalyOutcomes(store.sql),
      prediction: predictionStore,
      duration: predictionStore,
    }),
    onError: warn('models: refreshing the routing failed; the last known routing answers'),
  });
  // The healing loop hears of anomalies and incidents once they are stored (with their ids).
  let onFindings: FindingsListener | null = null;
  const anomalyStore = new SqlAnomalyStore(store.sql);
  const anomaly = new AnomalyService({
    events: store.events,
    anomalies: withFindingsListener(
      anomalyStore,
      () => onFindings,
      warn('healing: findings listener failed'),
    ),
    registry,
    clock,
    newId: o.newId,
    onError: warn('anomaly: storing findings failed'),
  });
  await anomaly.start();
  const catalog = new SqlPipelineCatalog(store.sql);
  const snapshot = (pipelineId: string) => engine.snapshot(pipelineId);
  const prediction = new PredictionService({
    events: store.events,
    predictions: predictionStore,
    insights: new SqlInsightStore(store.sql),
    catalog,
    registry,
    clock,
    newId: o.newId,
    onError: (err, what) => o.onWarning?.(err, what),
    onInfo: o.onInfo,
    options: o.prediction,
  });
  const rootCause = new RootCauseService({
    store: new SqlRootCauseStore(store.sql),
    versions: (pipelineId) => catalog.listVersions(pipelineId),
    snapshot,
    clock,
    onError: warn('root cause: analysis failed'),
  });
  const recommendations = new RecommendationService({
    insights: new SqlInsightStore(store.sql),
    snapshot,
    clock,
  });
  const healing =
    o.healing === undefined
      ? null
      : await composeHealing({
          sql: store.sql,
          clock,
          newId: o.newId,
          engine,
          catalog,
          incidents: anomalyStore,
          options: o.healing,
          onError: (err, what) => o.onWarning?.(err, what),
        });
  if (healing !== null) onFindings = (batch) => healing.service.onFindings(batch);
  // Predictions of a pipeline's runs reach the loop too (the predicted-failure runbook reads them).
  prediction.onPrediction((e) => {
    if (healing === null || e.pipeline_id === null) return;
    healing.service.onPrediction(e.pipeline_id, {
      id: e.id,
      failure_probability: e.failure_probability,
      model_version: e.model_version,
      stage_risks: e.stage_risk_scores,
    });
  });
  const onListenerError = warn('ingest listener failed');
  const gate = new WarmGate(
    engine,
    // Mining first: the other listeners may read snapshots, whose error patterns name mined templates.
    [
      mining.onAccepted,
      anomaly.onAccepted,
      rootCause.onAccepted,
      prediction.onAccepted,
      ...(healing === null ? [] : [healing.service.onAccepted]),
    ],
    onListenerError,
  );
  const ingest = new IngestService({
    store: store.events,
    live: gate.sink,
    clock,
    newId: o.newId,
    listeners: gate.gated,
    onListenerError,
  });
  // One scan of the history for the windows (two of them, so trends can compare with the previous),
  // the anomaly baselines and online state, and the prediction features' run history.
  const replay = await openHistoryReplay(store.events, [
    liveConsumer(engine, clock.now() - 2 * o.windowMs),
    anomaly.warmStart(),
    prediction.warmStart(),
  ]);
  let warming: Promise<number> | null = null;
  const warm = () => (warming ??= replay.run().finally(() => gate.open()));
  if (o.warmUp !== 'background') await warm();
  const monitoring = withTemplateSignals(engine, mining);

  const wb = o.writeBack;
  const writeBack =
    wb === undefined
      ? null
      : new WriteBackService({
          ledger: new SqlWriteBackLedger(store.sql),
          target: new SqlWriteBackTarget(wb.sql, wb.schema),
          clock,
          batchSize: wb.batchSize,
          onSkip: wb.onSkip,
          onError: wb.onError,
          onRecovered: wb.onRecovered,
        });

  return {
    engine,
    mining,
    anomaly,
    rootCause,
    recommendations,
    ingest,
    prediction,
    healing,
    registry,
    writeBack,
    hasHistory: replay.hasHistory,
    warm,
    services: {
      ingest,
      monitoring: {
        ...monitoring,
        snapshot: (pipelineId) => {
          gate.refuseWhileWarming();
          return monitoring.snapshot(pipelineId);
        },
        list: (opts) => {
          gate.refuseWhileWarming();
          return monitoring.list(opts);
        },
      },
      storeHealth: () => store.events.health(),
      clock,
      anomaly,
      logInsights: { rootCause, recommendations, logs: mining },
      prediction,
      ...(healing === null ? {} : { healing: healing.admin }),
      models: registry,
      writeBackStats: () => writeBack?.stats() ?? null,
    },
    startTimers() {
      // Resolves quiet incidents and refreshes the anomaly baselines from the runs judged normal.
      const anomalyTimer = setInterval(() => {
        anomaly.tick().catch(warn('anomaly: periodic work failed'));
      }, 60_000);
      // Templates are written in batches, never per line; failed executions are explained once settled.
      const logsTimer = setInterval(() => {
        mining.flush().catch(warn('logs: saving templates failed'));
        rootCause.tick().catch(warn('root cause: storing analyses failed'));
      }, 1000);
      // Insights and incidents go to FlexiRoaster's tables in batches; a pass never throws.
      const writeBackTimer =
        writeBack === null || wb === undefined
          ? undefined
          : setInterval(() => void writeBack.tick(), wb.intervalMs);
      // The gate promotes a challenger that is not worse than the full version (admins can also do it by API).
      const gate = o.modelGate;
      const gateTimer =
        gate === undefined
          ? undefined
          : setInterval(() => {
              registry
                .checkGates({ minOutcomes: gate.minOutcomes })
                .then((decisions) => decisions.forEach((d) => o.onModelGate?.(d)))
                .catch(warn('models: automatic gate check failed'));
            }, gate.intervalMs);
      // The healing loop's tick; a tick still running when the next is due is not doubled.
      let healingTick: Promise<void> | null = null;
      const healingTimer =
        healing === null || o.healing === undefined
          ? undefined
          : setInterval(() => {
              healingTick ??= healing.service.tick().finally(() => (healingTick = null));
            }, o.healing.intervalMs);
      healingTimer?.unref();
      // Preflights of scheduled runs, retraining when due, and the batched prediction writes.
      let predictionTick: Promise<void> | null = null;
      const predictionTimer = setInterval(() => {
        predictionTick ??= prediction
          .tick()
          .catch(warn('prediction: periodic work failed'))
          .finally(() => (predictionTick = null));
      }, o.prediction?.tickMs ?? 15_000);
      const predictionWrites = setInterval(() => {
        prediction.flush().catch(warn('prediction: storing predictions failed'));
      }, 1000);
      predictionTimer.unref();
      predictionWrites.unref();
      anomalyTimer.unref();
      logsTimer.unref();
      gateTimer?.unref();
      writeBackTimer?.unref();
      return () => {
        clearInterval(anomalyTimer);
        clearInterval(predictionTimer);
        clearInterval(predictionWrites);
        clearInterval(logsTimer);
        clearInterval(healingTimer);
        clearInterval(gateTimer);
        clearInterval(writeBackTimer);
      };
    },
    async flush() {
      // First: no new action starts while the rest saves; calls in flight are cancelled.
      await healing?.service.stop();
      await anomaly.flush();
      await prediction.flush().catch(warn('prediction: final save failed'));
      await rootCause.flush().catch(warn('root cause: final save failed'));
      await mining.flush().catch(warn('logs: final template save failed'));
      // Last: what the services above just saved is written back too (or stays pending if the target is down).
      await writeBack?.flush();
    },
  };
}
