import { isTerminal, type ExecutionEvent } from '../domain/index.js';
import type {
  EventStore,
  InsightRow,
  InsightStore,
  Page,
  PredictionKind,
  PredictionListQuery,
  PredictionRow,
  PredictionStore,
} from '../ports/index.js';
import {
  ORIGINAL_FEATURES,
  PREDICTION_FEATURES,
  featureVector,
  featuresAt,
  forecastDuration,
  parsePredictRequest,
  parseTrainingSamples,
  scoreHeuristic,
  scoreWithModel,
  stageRisks,
  windowForecast,
  type DurationForecast,
  type FailureScore,
  type FeatureValues,
  type StageRisk,
  type StageRiskInput,
  type StageHistory,
} from '../prediction/index.js';
import { AppError, NotFoundError, ValidationError, toError, type Clock } from '../shared/index.js';
import type { AcceptedEvent } from './ingest-service.js';
import { severityOf } from './anomaly-insights.js';
import { PipelineContexts, type PredictionCatalog } from './prediction-context.js';
import { ModelCache, type PredictionRegistry } from './prediction-models.js';
import { predictionRow } from './prediction-rows.js';
import { PreflightPlanner, RetrainSchedule, checkCron } from './prediction-schedule.js';
import { durationDraft, failureDraft, storeTrainingSet } from './prediction-training.js';
import {
  PredictionWriter,
  type PredictionWriterOptions,
  type PredictionWriterStats,
} from './prediction-writer.js';
import type { HistoryConsumer } from './rebuild.js';
import { RunHistory } from './run-history.js';

export interface PredictionServiceOptions {
  /** History that training from the store reads. @default 7 days */
  historyMs?: number;
  /** How long before a scheduled run its preflight is made. @default 5 min */
  preflightLeadMs?: number;
  /** When to retrain from the store (cron, UTC); the result is registered as shadow. null = never. @default daily at 03:00 */
  retrainCron?: string | null;
  /** A pipeline with fewer finished runs than this is judged by the heuristic. @default 5 */
  minHistoryRuns?: number;
  /** Alert and act thresholds of the heuristic (a model brings its own). @default 0.6, 0.8 */
  heuristicAlert?: number;
  heuristicAct?: number;
  /** Precision the model's alert / act thresholds must reach on validation. @default 0.6, 0.8 */
  alertPrecision?: number;
  actPrecision?: number;
  /** Seed of training's random choices. @default 42 */
  seed?: number;
  /** Batching and the in-memory bound of the prediction records (see PredictionWriter). */
  recording?: PredictionWriterOptions;
}

export interface PredictionServiceDeps {
  events: EventStore;
  predictions: PredictionStore;
  insights: InsightStore;
  catalog: PredictionCatalog;
  registry: PredictionRegistry;
  clock: Clock;
  newId: () => string;
  /** Background failures: storing, scoring runs, unreadable models, retraining. Never thrown. */
  onError?: (err: Error, what: string) => void;
  /** Progress of training and retraining (for the logs). */
  onInfo?: (message: string, fields: Record<string, unknown>) => void;
  options?: PredictionServiceOptions;
}

/** The duration forecast as answered: null where nothing is known. */
export interface AnsweredDuration {
  expected_seconds: number | null;
  p90_seconds: number | null;
  timeout_breach_probability: number | null;
}

/** The answer of predict and preflight: the original's fields and what the service adds. */
export interface PredictionAnswer {
  failure_probability: number;
  success_probability: number;
  stage_risk_scores: Record<string, number>;
  model_type: FailureScore['model_type'];
  top_risk_factors: string[];
  model_version: string | null;
  duration_forecast: AnsweredDuration;
  duration_model_version: string | null;
  stage_risks: StageRisk[];
  critical_stages: string[];
  thresholds: { alert: number | null; act: number | null };
  /** At or above the alert threshold. */
  alert: boolean;
  notes: string[];
}

/** What a prediction event tells listeners (the healing loop). Times: epoch ms. */
export interface PredictionEvent extends PredictionAnswer {
  id: string;
  kind: PredictionKind;
  pipeline_id: string | null;
  execution_id: string | null;
  planned_at: number | null;
  predicted_at: number;
  features: FeatureValues;
}

export type PredictionListener = (event: PredictionEvent) => void;

/** What training answers. */
export interface PredictionTrainResult {
  trained_samples: number;
  model_type: 'gradient_boosting';
  model_version: string;
  status: 'full' | 'shadow';
  source: 'request' | 'store';
  features: string[];
  metrics: Record<string, unknown>;
  thresholds: { alert: number | null; act: number | null };
  training: Record<string, unknown>;
  training_window: { start: string; end: string } | null;
  duration: { model_version: string; metrics: Record<string, unknown> } | null;
  notes: string[];
}

/** Where scheduled retraining stands. */
export interface TrainingStatus {
  state: 'idle' | 'running' | 'succeeded' | 'failed';
  retrain_cron: string | null;
  next_run_at: string | null;
  last_started_at: string | null;
  last_finished_at: string | null;
  last_result: PredictionTrainResult | null;
  last_error: string | null;
}

const DAY_MS = 86_400_000;
const MIN_TRAINING_ROWS = 20;
const MAX_SCORED_RUNS = 100_000;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Failure prediction: answers predict and preflight, scores every run when it starts and every
 * scheduled run before it starts, records each scoring (serving and shadow models) with its outcome
 * once known, trains from requests or the store, retrains on a schedule, and tells listeners.
 */
export class PredictionService {
  private readonly history = new RunHistory();
  private readonly contexts: PipelineContexts;
  private readonly models: ModelCache;
  private readonly writer: PredictionWriter;
  private readonly planner: PreflightPlanner;
  private readonly retrainSchedule: RetrainSchedule | null;
  private readonly listeners = new Set<PredictionListener>();
  private readonly scored = new Set<string>();
  private background: Promise<void> = Promise.resolve();
  private readonly o: Required<Omit<PredictionServiceOptions, 'retrainCron' | 'recording'>> & {
    retrainCron: string | null;
  };
  private status: Omit<TrainingStatus, 'retrain_cron' | 'next_run_at'> = {
    state: 'idle',
    last_started_at: null,
    last_finished_at: null,
    last_result: null,
    last_error: null,
  };

  constructor(private readonly deps: PredictionServiceDeps) {
    const o = deps.options ?? {};
    this.o = {
      historyMs: o.historyMs ?? 7 * DAY_MS,
      preflightLeadMs: o.preflightLeadMs ?? 5 * 60_000,
      retrainCron: o.retrainCron === undefined ? '0 3 * * *' : o.retrainCron,
      minHistoryRuns: o.minHistoryRuns ?? 5,
      heuristicAlert: o.heuristicAlert ?? 0.6,
      heuristicAct: o.heuristicAct ?? 0.8,
      alertPrecision: o.alertPrecision ?? 0.6,
      actPrecision: o.actPrecision ?? 0.8,
      seed: o.seed ?? 42,
    };
    if (this.o.retrainCron !== null) checkCron(this.o.retrainCron, 'retrain-cron');
    const warn = (what: string) => (err: Error) => deps.onError?.(err, what);
    this.contexts = new PipelineContexts(deps.catalog, deps.clock);
    this.models = new ModelCache(deps.registry, (err, version) =>
      deps.onError?.(err, `prediction: model ${version} cannot be loaded; the heuristic answers instead`),
    );
    this.writer = new PredictionWriter(
      deps.predictions,
      deps.insights,
      warn('prediction: storing predictions failed'),
      o.recording,
    );
    this.planner = new PreflightPlanner(this.o.preflightLeadMs, (pipelineId, err) =>
      deps.onError?.(
        err,
        `prediction: schedule_cron of pipeline ${pipelineId} cannot be read; no preflights`,
      ),
    );
    this.retrainSchedule =
      this.o.retrainCron === null ? null : new RetrainSchedule(this.o.retrainCron, deps.clock.now());
  }

  /** The start-up replay's part (see openHistoryReplay): the recent finished runs (the features' history). */
  warmStart(): HistoryConsumer {
    return {
      sinceMs: this.deps.clock.now() - this.o.historyMs - DAY_MS,
      observe: (e) => void this.history.observe(e),
    };
  }

  /** Subscribes to every prediction made; returns the unsubscribe. A throwing listener is reported, never fatal. */
  onPrediction(listener: PredictionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The original predict endpoint: one sample's features, optional stages. */
  async predict(body: unknown): Promise<PredictionAnswer> {
    const req = parsePredictRequest(body);
    const ctx = req.pipeline_id === null ? null : this.contexts.peek(req.pipeline_id);
    const event = await this.score({
      kind: 'request',
      pipelineId: req.pipeline_id,
      executionId: null,
      plannedAt: null,
      features: req.features,
      stages: req.stages,
      timeout: req.timeout_seconds ?? ctx?.timeout_seconds ?? null,
    });
    return answerOf(event);
  }

  /** Scores the pipeline's next run from its history in the store (404 for an unknown pipeline). */
  async preflight(pipelineId: string, plannedAt?: number): Promise<PredictionEvent> {
    const ctx = await this.contexts.get(pipelineId, this.history.of(pipelineId));
    if (ctx.info === null) throw new NotFoundError(`no pipeline "${pipelineId}"`);
    const time = plannedAt ?? this.deps.clock.now();
    const trigger = ctx.info.schedule_cron !== null ? 'scheduled' : null;
    return this.scoreRun('preflight', pipelineId, null, time, trigger, plannedAt ?? null);
  }

  /** Trains on the body's samples (registered full), or from the store when the body is empty / {}. */
  async train(body: unknown): Promise<PredictionTrainResult> {
    const samples = parseTrainingSamples(body);
    if (samples === null) return this.trainFromStore('full');
    if (samples.length < 2) throw new ValidationError('body', 'at least 2 samples are needed to train');
    const extra = PREDICTION_FEATURES.filter(
      (f) => !(ORIGINAL_FEATURES as readonly string[]).includes(f) && samples.some((s) => f in s.features),
    );
    const names = [...ORIGINAL_FEATURES, ...extra];
    const rows = samples.map((s, i) => ({
      time: i,
      features: featureVector(names, s.features),
      label: (s.failed ? 1 : 0) as 0 | 1,
    }));
    const { model, draft } = failureDraft(rows, names, null, 'request', this.trainOptions());
    const version = await this.deps.registry.registerFull(draft);
    return {
      trained_samples: rows.length,
      model_type: 'gradient_boosting',
      model_version: version.model_version,
      status: 'full',
      source: 'request',
      features: names,
      metrics: { ...model.metrics },
      thresholds: { alert: model.thresholds.alert.value, act: model.thresholds.act.value },
      training: { ...model.training },
      training_window: null,
      duration: null,
      notes: model.training.note === null ? [] : [model.training.note],
    };
  }

  /** Trains both models from the store's finished runs (time split), registering them `full` or `shadow`. */
  async trainFromStore(status: 'full' | 'shadow'): Promise<PredictionTrainResult> {
    const now = this.deps.clock.now();
    this.deps.onInfo?.('prediction: training from the store', { status, since: iso(now - this.o.historyMs) });
    const set = await storeTrainingSet(this.deps.events, this.contexts, now - this.o.historyMs);
    if (set.rows.length < MIN_TRAINING_ROWS) {
      throw new AppError(
        'NOT_TRAINED',
        `the store holds ${set.rows.length} finished runs in the last ${this.o.historyMs / DAY_MS} days; at least ${MIN_TRAINING_ROWS} are needed`,
      );
    }
    const register = (d: Parameters<PredictionRegistry['registerFull']>[0]) =>
      status === 'full' ? this.deps.registry.registerFull(d) : this.deps.registry.registerShadow(d);
    const { model, draft } = failureDraft(
      set.rows,
      PREDICTION_FEATURES,
      set.window,
      'store',
      this.trainOptions(),
    );
    const version = await register(draft);
    const notes = model.training.note === null ? [] : [model.training.note];
    let duration: PredictionTrainResult['duration'] = null;
    try {
      const d = durationDraft(set.durations, set.window, this.o.seed);
      const dv = await register(d.draft);
      duration = { model_version: dv.model_version, metrics: { ...d.metrics } };
    } catch (err) {
      const e = toError(err);
      if (!(e instanceof AppError) || e.code !== 'NOT_TRAINED') throw e;
      notes.push(e.message);
    }
    const result: PredictionTrainResult = {
      trained_samples: set.rows.length,
      model_type: 'gradient_boosting',
      model_version: version.model_version,
      status,
      source: 'store',
      features: [...PREDICTION_FEATURES],
      metrics: { ...model.metrics },
      thresholds: { alert: model.thresholds.alert.value, act: model.thresholds.act.value },
      training: { ...model.training, pipelines: set.pipelines },
      training_window:
        set.window === null
          ? null
          : { start: iso(set.window.start) as string, end: iso(set.window.end) as string },
      duration,
      notes,
    };
    this.deps.onInfo?.('prediction: trained', {
      model_version: result.model_version,
      status,
      samples: result.trained_samples,
      roc_auc: model.metrics.roc_auc,
      brier: model.metrics.brier,
      duration_model_version: duration?.model_version ?? null,
    });
    return result;
  }

  /** Where scheduled retraining stands. */
  trainingStatus(): TrainingStatus {
    return {
      ...this.status,
      retrain_cron: this.o.retrainCron,
      next_run_at: iso(this.retrainSchedule?.next ?? null),
    };
  }

  /** How recording the predictions goes: rows pending, written, dropped under overload, failed. */
  recording(): PredictionWriterStats {
    return this.writer.counts();
  }

  listPredictions(q: PredictionListQuery): Promise<Page<PredictionRow>> {
    return this.deps.predictions.list(q);
  }

  /** The ingest listener: scores runs as they start, joins outcomes as they finish. */
  readonly onAccepted = (accepted: readonly AcceptedEvent[]): void => {
    for (const { event, decision } of accepted) {
      if (decision === 'unchanged') continue;
      if (event.kind === 'execution' && event.execution_id !== null && !isTerminal(event.status)) {
        this.onRunStart(event);
        continue;
      }
      const run = this.history.observe(event);
      if (run === null || event.kind !== 'execution') continue;
      this.writer.addOutcome({
        pipeline_id: event.pipeline_id,
        execution_id: run.execution_id,
        failed: run.failed,
        completed_at: run.completed_at,
        duration_seconds: run.duration_seconds,
      });
    }
  };

  /** Periodic duties: preflights of scheduled runs within the lead time, retraining when due, writes. */
  async tick(): Promise<void> {
    const now = this.deps.clock.now();
    const pipelines = await this.deps.catalog.listPipelines();
    for (const due of this.planner.due(pipelines, now)) {
      try {
        await this.preflight(due.pipeline_id, due.planned_at);
      } catch (err) {
        this.deps.onError?.(toError(err), `prediction: preflight of ${due.pipeline_id} failed`);
      }
    }
    if (this.retrainSchedule?.take(now) && this.status.state !== 'running') await this.retrain();
    await this.writer.flush();
  }

  /** Scheduled retraining: trains from the store and registers the result as shadow. */
  async retrain(): Promise<void> {
    this.status = { ...this.status, state: 'running', last_started_at: iso(this.deps.clock.now()) };
    try {
      const result = await this.trainFromStore('shadow');
      this.status = {
        state: 'succeeded',
        last_started_at: this.status.last_started_at,
        last_finished_at: iso(this.deps.clock.now()),
        last_result: result,
        last_error: null,
      };
    } catch (err) {
      const e = toError(err);
      this.status = {
        ...this.status,
        state: 'failed',
        last_finished_at: iso(this.deps.clock.now()),
        last_error: e.message,
      };
      this.deps.onError?.(e, 'prediction: scheduled retraining failed');
    }
  }

  /** Waits for the runs being scored and writes everything recorded so far. */
  async flush(): Promise<void> {
    await this.background;
    await this.writer.flush();
  }

  private onRunStart(e: ExecutionEvent): void {
    const executionId = e.execution_id as string;
    const key = `${e.pipeline_id}\u0000${executionId}`;
    if (this.scored.has(key)) return;
    this.scored.add(key);
    if (this.scored.size > MAX_SCORED_RUNS) this.scored.delete(this.scored.values().next().value as string);
    const startedAt = e.started_at ?? e.event_time;
    const tolerance = Math.max(this.o.preflightLeadMs, 60_000);
    this.writer.addStart({
      pipeline_id: e.pipeline_id,
      execution_id: executionId,
      from: startedAt - tolerance,
      to: startedAt + tolerance,
    });
    this.background = this.background
      .then(() => this.scoreRun('run_start', e.pipeline_id, executionId, startedAt, e.trigger_type, null))
      .then(
        () => undefined,
        (err: unknown) => this.deps.onError?.(toError(err), `prediction: scoring run ${executionId} failed`),
      );
  }

  /** Scores a run of a pipeline from its history as of `time`. */
  private async scoreRun(
    kind: PredictionKind,
    pipelineId: string,
    executionId: string | null,
    time: number,
    trigger: ExecutionEvent['trigger_type'],
    plannedAt: number | null,
  ): Promise<PredictionEvent> {
    const runs = this.history.of(pipelineId);
    const ctx = await this.contexts.get(pipelineId, runs);
    const point = featuresAt(runs, {
      time,
      trigger_type: trigger,
      stages: ctx.stages,
      versionTimes: ctx.versionTimes,
    });
    const recent = runs.filter((r) => r.completed_at < time && !r.failed).slice(-20);
    return this.score({
      kind,
      pipelineId,
      executionId,
      plannedAt,
      features: point.features,
      stages: point.stages.map(stageInput),
      timeout: ctx.timeout_seconds,
      recentDurations: recent.map((r) => r.duration_seconds),
    });
  }

  private async score(s: {
    kind: PredictionKind;
    pipelineId: string | null;
    executionId: string | null;
    plannedAt: number | null;
    features: FeatureValues;
    stages: readonly StageRiskInput[];
    timeout: number | null;
    recentDurations?: readonly number[];
  }): Promise<PredictionEvent> {
    const now = this.deps.clock.now();
    const routeKey = s.pipelineId ?? '';
    const [failure, duration] = await Promise.all([
      this.models.failureRoute(routeKey),
      this.models.durationRoute(routeKey),
    ]);
    const notes: string[] = [];
    const runsSoFar = s.features.runs_so_far;
    const tooLittle = Number.isFinite(runsSoFar) && runsSoFar < this.o.minHistoryRuns;
    let serving: FailureScore;
    let thresholds = { alert: this.o.heuristicAlert, act: this.o.heuristicAct } as {
      alert: number | null;
      act: number | null;
    };
    if (failure.serving !== null && !tooLittle) {
      serving = scoreWithModel(failure.serving, s.features);
      const t = failure.serving.model.thresholds;
      thresholds = { alert: t.alert.value, act: t.act.value };
    } else {
      serving = scoreHeuristic(s.features);
      if (failure.servingError !== null)
        notes.push(`model unusable (${failure.servingError.message}); heuristic answered`);
      else if (tooLittle)
        notes.push(`${runsSoFar} finished runs of history (< ${this.o.minHistoryRuns}); heuristic answered`);
      else notes.push('no trained model; heuristic answered');
    }
    const risks = stageRisks(serving.failure_probability, s.stages);
    let forecast: DurationForecast | null = null;
    let durationVersion: string | null = null;
    if (duration.serving !== null && duration.serving.beatsWindow) {
      forecast = forecastDuration(duration.serving.model, s.features, s.timeout);
      durationVersion = duration.serving.version;
    } else {
      forecast = windowForecast(s.recentDurations ?? [], s.timeout);
    }
    const id = this.deps.newId();
    const event: PredictionEvent = {
      id,
      kind: s.kind,
      pipeline_id: s.pipelineId,
      execution_id: s.executionId,
      planned_at: s.plannedAt,
      predicted_at: now,
      features: s.features,
      failure_probability: serving.failure_probability,
      success_probability: Math.round((1 - serving.failure_probability) * 1e4) / 1e4,
      stage_risk_scores: Object.fromEntries(risks.map((r) => [r.name, r.risk])),
      model_type: serving.model_type,
      top_risk_factors: serving.top_risk_factors,
      model_version: serving.model_version,
      duration_forecast: {
        expected_seconds: forecast?.expected_seconds ?? null,
        p90_seconds: forecast?.p90_seconds ?? null,
        timeout_breach_probability: forecast?.timeout_breach_probability ?? null,
      },
      duration_model_version: durationVersion,
      stage_risks: risks,
      critical_stages: risks.filter((r) => r.is_critical).map((r) => r.name),
      thresholds,
      alert: thresholds.alert !== null && serving.failure_probability >= thresholds.alert,
      notes,
    };
    this.record(event, {
      serving,
      stages: s.stages,
      timeout: s.timeout,
      shadows: failure.shadows.map((m) => scoreWithModel(m, s.features, false)),
      durationShadows: duration.shadows.map((m) => ({
        version: m.version,
        forecast: forecastDuration(m.model, s.features, s.timeout),
      })),
    });
    this.emit(event);
    return event;
  }

  private record(
    e: PredictionEvent,
    r: {
      serving: FailureScore;
      stages: readonly StageRiskInput[];
      timeout: number | null;
      shadows: FailureScore[];
      durationShadows: { version: string; forecast: DurationForecast }[];
    },
  ): void {
    const failureRow = (score: FailureScore, id: string, shadow: boolean) =>
      predictionRow(e, r.timeout, {
        id,
        model_version: score.model_version,
        model_type: score.model_type,
        shadow,
        failure_probability: score.failure_probability,
        stage_risks: shadow ? stageRisks(score.failure_probability, r.stages) : e.stage_risks,
        top_risk_factors: score.top_risk_factors,
        duration_model_version: e.duration_model_version,
        duration_forecast:
          e.duration_forecast.expected_seconds === null ? null : (e.duration_forecast as DurationForecast),
      });
    const rows = [
      failureRow(r.serving, e.id, false),
      ...r.shadows.map((s) => failureRow(s, this.deps.newId(), true)),
    ];
    for (const d of r.durationShadows) {
      rows.push(
        predictionRow(e, r.timeout, {
          id: this.deps.newId(),
          model_version: null,
          model_type: 'duration',
          shadow: true,
          failure_probability: e.failure_probability,
          stage_risks: [],
          top_risk_factors: [],
          duration_model_version: d.version,
          duration_forecast: d.forecast,
        }),
      );
    }
    this.writer.addRows(rows);
    if (e.alert && e.kind !== 'request' && e.pipeline_id !== null)
      this.writer.addInsight(predictionInsight(e));
  }

  private emit(e: PredictionEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(e);
      } catch (err) {
        this.deps.onError?.(toError(err), 'prediction: a listener failed');
      }
    }
  }

  private trainOptions() {
    return { seed: this.o.seed, alertPrecision: this.o.alertPrecision, actPrecision: this.o.actPrecision };
  }
}

function stageInput(h: StageHistory): StageRiskInput {
  return {
    name: h.name,
    failure_rate: h.failure_rate,
    retry_count: h.retry_count,
    is_critical: h.is_critical,
  };
}

function answerOf(e: PredictionEvent): PredictionAnswer {
  const {
    id: _id,
    kind: _kind,
    pipeline_id: _p,
    execution_id: _e,
    planned_at: _pl,
    predicted_at: _at,
    features: _f,
    ...answer
  } = e;
  return answer;
}

/** A prediction at or above the alert threshold as an insight record of type failure_prediction. */
export function predictionInsight(e: PredictionEvent): InsightRow {
  const what =
    e.kind === 'preflight'
      ? `next run${e.planned_at === null ? '' : ` (${iso(e.planned_at)})`}`
      : `run ${e.execution_id}`;
  const top = [...e.stage_risks].sort((a, b) => b.risk - a.risk)[0];
  return {
    id: e.id,
    insight_type: 'failure_prediction',
    source: 'prediction',
    source_id: e.execution_id ?? `preflight:${e.pipeline_id}:${e.planned_at ?? e.predicted_at}`,
    pipeline_id: e.pipeline_id as string,
    execution_id: e.execution_id,
    severity: severityOf(e.failure_probability),
    title: `Pipeline ${e.pipeline_id}: ${what} likely to fail (${Math.round(e.failure_probability * 100)}%)`,
    description: e.top_risk_factors.join('; ') || 'failure probability above the alert threshold',
    recommendation:
      top === undefined
        ? null
        : `Check stage ${top.name} first (risk ${top.risk.toFixed(2)}${top.is_critical ? ', critical' : ''}).`,
    confidence: e.failure_probability,
    metadata: {
      model_version: e.model_version,
      model_type: e.model_type,
      probability: e.failure_probability,
      alert_threshold: e.thresholds.alert,
      act_threshold: e.thresholds.act,
      kind: e.kind,
      planned_at: iso(e.planned_at),
      evidence: {
        top_risk_factors: e.top_risk_factors,
        stage_risk_scores: e.stage_risk_scores,
        duration_forecast: e.duration_forecast,
      },
    },
    created_at: e.predicted_at,
  };
}
