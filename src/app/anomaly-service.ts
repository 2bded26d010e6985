import {
  DEFAULT_CONTAMINATION,
  FALSE_ALARM_WEIGHT,
  FEATURE_NAMES,
  OnlineAnomalyDetector,
  RecentRuns,
  RunFeatureTracker,
  buildBaselines,
  decodeAnomalyModel,
  detect,
  emptyBaselines,
  isAnomalous,
  encodeAnomalyModel,
  errorSignatures,
  withFeedback,
  parseAnomalyRecord,
  parseTrainingBody,
  recordFeatures,
  trainAnomalyModel,
  type AnomalyRecord,
  type BaselineSet,
  type Detection,
  type Incident,
  type LabelledRun,
  type OnlineOutcome,
  type VersionedModel,
} from '../anomaly/index.js';
import type {
  AnomalyListQuery,
  AnomalyRow,
  AnomalyStore,
  EventStore,
  FeedbackRow,
  IncidentRow,
  InsightRow,
  Page,
} from '../ports/index.js';
import { ModelRegistry } from '../registry/index.js';
import { AppError, NotFoundError, SeededRng, ValidationError, toError, type Clock } from '../shared/index.js';
import { anomalyInsight, anomalyRow, incidentInsight } from './anomaly-insights.js';
import type { AcceptedEvent } from './ingest-service.js';
import type { HistoryConsumer } from './rebuild.js';

export interface AnomalyServiceOptions {
  /** @default 0.05 */
  contamination?: number;
  /** History that training from the store reads. @default 7 days */
  historyMs?: number;
  /** History read at start for the baselines. @default 2 days */
  baselineHistoryMs?: number;
  /** How often tick() recomputes the baselines from the recent normal runs held in memory. @default 10 min */
  baselineRefreshMs?: number;
  /** Seed of the forest's random choices (training is reproducible). @default 42 */
  seed?: number;
  /** Options of each metric series' streaming detector. */
  streaming?: Readonly<Record<string, unknown>>;
}

export interface AnomalyServiceDeps {
  events: EventStore;
  anomalies: AnomalyStore;
  registry: ModelRegistry;
  clock: Clock;
  newId: () => string;
  /** Reports storage failures of online anomalies (ingest never sees them). */
  onError?: (err: Error) => void;
  options?: AnomalyServiceOptions;
}

/** What training answers: the original's fields plus the version and its metadata. */
export interface TrainResult {
  trained_samples: number;
  algorithm: 'isolation_forest+zscore';
  model_version: string;
  source: 'request' | 'store';
  features: string[];
  contamination: number;
  training_window: { start: string; end: string } | null;
  metrics: Record<string, number>;
  created_at: string;
}

const DAY_MS = 86_400_000;

/**
 * The anomaly service: holds the model in use and the baselines, answers detect and train, judges
 * every ingested event online and stores what it finds (anomalies, incidents, insights) without
 * ever holding ingest up.
 */
export class AnomalyService {
  private model: VersionedModel | null = null;
  private baselines: BaselineSet = emptyBaselines();
  private readonly online: OnlineAnomalyDetector;
  private writes: Promise<void> = Promise.resolve();
  private lastRefresh = -Infinity;
  private readonly recent = new RecentRuns();
  private readonly historyMs: number;
  private readonly contamination: number;

  constructor(private readonly deps: AnomalyServiceDeps) {
    const o = deps.options ?? {};
    this.historyMs = o.historyMs ?? 7 * DAY_MS;
    this.contamination = o.contamination ?? DEFAULT_CONTAMINATION;
    this.online = new OnlineAnomalyDetector({
      newId: deps.newId,
      current: () => ({ model: this.model, baselines: this.baselines }),
      recent: this.recent,
      streams: { detector: o.streaming },
    });
  }

  /** Loads the active model and the open incidents (the baselines come from warmStart()). */
  async start(): Promise<void> {
    const active = await this.deps.registry.active('anomaly');
    if (active !== null) {
      try {
        this.model = { model: decodeAnomalyModel(active.artifact), version: active.model_version };
      } catch (err) {
        // A model that cannot be read must not keep the service down: it runs untrained and says so.
        this.deps.onError?.(toError(err));
      }
    }
    this.online.incidents.restore((await this.deps.anomalies.openIncidents()) as Incident[]);
  }

  /** Judges one request body (the original detect endpoint). */
  detect(body: unknown): Detection {
    const record = parseAnomalyRecord(body);
    return this.judge(record);
  }

  /** Trains from the body's records, or from the store's finished runs when the body is empty / {}. */
  async train(body: unknown): Promise<TrainResult> {
    const records = parseTrainingBody(body);
    const now = this.deps.clock.now();
    const source = records === null ? 'store' : 'request';
    const history =
      records === null ? await this.labelledHistory(await this.historyRecords(now - this.historyMs)) : null;
    const rows = records ?? history?.kept ?? [];
    if (records === null && rows.length < 2) {
      throw new AppError(
        'NOT_TRAINED',
        `the store holds ${rows.length} finished runs in the last ${this.historyMs / DAY_MS} days; at least 2 are needed`,
      );
    }
    const features = rows.map((r) => recordFeatures(r));
    // Detection judges a run against its pipeline's baseline; calibration must see the same z-scores.
    const baselines = buildBaselines(
      rows.map((r, i) => ({ pipeline_id: r.pipeline_id ?? '', features: features[i] })),
      now,
    );
    // Runs labelled false_positive count several times in the forest's rows: normal, and not rare.
    const extra = (history?.labelled ?? []).filter((l) => l.label === 'false_positive');
    const weighted = [...features, ...extra.flatMap((l) => repeat(l.features, FALSE_ALARM_WEIGHT - 1))];
    const pipelineOf = [
      ...rows.map((r) => r.pipeline_id ?? ''),
      ...extra.flatMap((l) => repeat(l.pipeline_id, FALSE_ALARM_WEIGHT - 1)),
    ];
    const baselineOf = (i: number) => baselines.pipelines.get(pipelineOf[i]) ?? null;
    const model = withFeedback(
      trainAnomalyModel(weighted, new SeededRng(this.deps.options?.seed ?? 42), {
        contamination: this.contamination,
        baselineOf,
      }),
      history?.labelled ?? [],
      (p) => baselines.pipelines.get(p) ?? baselines.fleet,
    );
    const trained = { model, version: 'candidate' };
    const flagged = features.filter((f, i) =>
      isAnomalous(f, { model: trained, baselines, pipelineId: rows[i].pipeline_id, signatures: [] }),
    ).length;
    const times = rows.map((r) => r.time).filter((t): t is number => t !== null);
    // reduce, not Math.min(...times): a spread of 100k+ arguments overflows the stack.
    const window =
      times.length === 0
        ? null
        : { start: times.reduce((a, b) => Math.min(a, b)), end: times.reduce((a, b) => Math.max(a, b)) };
    const metrics = {
      excluded_confirmed_anomalies: history?.excluded ?? 0,
      false_alarms_learnt: extra.length,
      pipelines_widened_by_feedback: Object.keys(model.tolerances).length,
      pipelines_forest_bar_by_feedback: Object.keys(model.forestBars).length,
      training_alert_rate: flagged / features.length,
      calibration_threshold: model.calibration.threshold,
      calibration_median: model.calibration.median,
      forest_median_score: model.calibration.forestMedian,
    };
    const featureNames = model.features.map((f) => FEATURE_NAMES[f]);
    const version = await this.deps.registry.registerFull({
      kind: 'anomaly',
      artifact: encodeAnomalyModel(model),
      training_window: window,
      contamination: model.contamination,
      feature_names: featureNames,
      metrics: {
        ...metrics,
        trained_samples: rows.length,
        source,
        excluded_confirmed_anomalies: history?.excluded ?? 0,
      },
    });
    this.model = { model, version: version.model_version };
    if (source === 'store') this.baselines = baselines;
    return {
      trained_samples: rows.length,
      algorithm: 'isolation_forest+zscore',
      model_version: version.model_version,
      source,
      features: featureNames,
      contamination: model.contamination,
      training_window:
        window === null
          ? null
          : { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() },
      metrics,
      created_at: new Date(version.created_at).toISOString(),
    };
  }

  /** The ingest listener: judges accepted events and stores what it finds in the background. */
  readonly onAccepted = (accepted: readonly AcceptedEvent[]): void => {
    let found: OnlineOutcome | null = null;
    for (const { event, decision } of accepted) {
      const out = this.online.observe(event, decision);
      if (out.anomalies.length === 0 && out.incidents.length === 0) continue;
      found ??= { anomalies: [], incidents: [] };
      found.anomalies.push(...out.anomalies);
      found.incidents.push(...out.incidents);
    }
    if (found !== null) this.persist(found);
  };

  /** Periodic duties: resolves quiet incidents; refreshes the baselines when due. */
  async tick(): Promise<void> {
    const now = this.deps.clock.now();
    const resolved = this.online.sweep(now);
    if (resolved.length > 0)
      this.persist({ anomalies: [], incidents: resolved.map((incident) => ({ incident, opened: false })) });
    if (now - this.lastRefresh >= (this.deps.options?.baselineRefreshMs ?? 10 * 60_000)) {
      // From memory: the runs judged normal since start (seeded from the store), not a store scan.
      this.baselines = this.recent.baselines(now);
      this.lastRefresh = now;
    }
  }

  /** Waits until every anomaly found so far is stored (tests, shutdown). */
  async flush(): Promise<void> {
    await this.writes;
  }

  /**
   * The start-up replay's part (see openHistoryReplay): the recent history's finished runs, less
   * those confirmed as anomalies, into the baselines; every event into online detection's state (see
   * OnlineAnomalyDetector.warm), so detection resumes warm after a restart.
   */
  warmStart(): HistoryConsumer {
    const now = this.deps.clock.now();
    const records: AnomalyRecord[] = [];
    return {
      sinceMs: now - (this.deps.options?.baselineHistoryMs ?? 2 * DAY_MS),
      observe: (e) => {
        const r = this.online.warm(e);
        if (r !== null) records.push(r);
      },
      finish: async () => {
        const { kept } = await this.labelledHistory(records);
        for (const r of kept) if (r.pipeline_id !== null) this.recent.add(r.pipeline_id, recordFeatures(r));
        this.baselines = this.recent.baselines(now);
        this.lastRefresh = now;
      },
    };
  }

  listAnomalies(q: AnomalyListQuery): Promise<Page<AnomalyRow>> {
    return this.deps.anomalies.listAnomalies(q);
  }

  listIncidents(q: AnomalyListQuery): Promise<Page<IncidentRow>> {
    return this.deps.anomalies.listIncidents(q);
  }

  /** Stores a person's verdict on an anomaly; 404 when there is no such anomaly. */
  async feedback(anomalyId: string, body: unknown): Promise<FeedbackRow> {
    const { label, note } = parseFeedback(body);
    const anomaly = await this.deps.anomalies.getAnomaly(anomalyId);
    if (anomaly === null) throw new NotFoundError(`no anomaly "${anomalyId}"`);
    const row: FeedbackRow = {
      id: this.deps.newId(),
      anomaly_id: anomalyId,
      label,
      note,
      created_at: this.deps.clock.now(),
    };
    await this.deps.anomalies.addFeedback(row);
    // A false alarm on a run is a normal run: the next baselines include it.
    if (label === 'false_positive' && anomaly.kind === 'execution') {
      this.recent.add(anomaly.pipeline_id, featuresOfInputs(anomaly.inputs));
    }
    return row;
  }

  private judge(record: AnomalyRecord): Detection {
    const signatures = errorSignatures(record.stage_errors);
    return detect(
      recordFeatures(record, undefined, signatures),
      this.context(this.model, record.pipeline_id, signatures),
    );
  }

  private context(model: VersionedModel | null, pipelineId: string | null, signatures: readonly string[]) {
    return { model, baselines: this.baselines, pipelineId, signatures };
  }

  /** Finished runs since `sinceMs` as records, replayed in event-time order (failures in the hour included). */
  private async historyRecords(sinceMs: number): Promise<AnomalyRecord[]> {
    const tracker = new RunFeatureTracker();
    const out: AnomalyRecord[] = [];
    for await (const page of this.deps.events.scanSince(sinceMs)) {
      for (const e of page) {
        const r = tracker.observe(e);
        if (r !== null) out.push(r);
      }
    }
    return out;
  }

  /**
   * Splits the history by feedback: runs confirmed as anomalies are left out (they must not teach the
   * model what is normal); every labelled run is also returned with its label.
   */
  private async labelledHistory(
    records: AnomalyRecord[],
  ): Promise<{ kept: AnomalyRecord[]; excluded: number; labelled: LabelledRun[] }> {
    const labels = new Map(
      (await this.deps.anomalies.executionLabels()).map((l) => [
        `${l.pipeline_id}\u0000${l.execution_id}`,
        l.label,
      ]),
    );
    const kept: AnomalyRecord[] = [];
    const labelled: LabelledRun[] = [];
    for (const r of records) {
      const label = labels.get(`${r.pipeline_id}\u0000${r.execution_id}`);
      if (label !== 'true_positive') kept.push(r);
      if (label !== undefined && r.pipeline_id !== null)
        labelled.push({ pipeline_id: r.pipeline_id, features: recordFeatures(r), label });
    }
    return { kept, excluded: records.length - kept.length, labelled };
  }

  private persist(found: OnlineOutcome): void {
    const now = this.deps.clock.now();
    const insights: InsightRow[] = found.anomalies.map((a) => anomalyInsight(a, this.deps.newId(), now));
    // The same incident may change several times in one batch: its last state is what is stored.
    const latest = new Map<string, Incident>();
    for (const { incident } of found.incidents) latest.set(incident.id, incident);
    for (const i of latest.values()) insights.push(incidentInsight(i, this.deps.newId(), now));
    const batch = { anomalies: found.anomalies.map(anomalyRow), incidents: [...latest.values()], insights };
    this.writes = this.writes
      .then(() => this.deps.anomalies.save(batch))
      .catch((err: unknown) => this.deps.onError?.(toError(err)));
  }
}

function repeat<T>(item: T, times: number): T[] {
  return Array.from({ length: times }, () => item);
}

/** A stored anomaly's inputs (feature name → value, null = unknown) as a feature vector. */
function featuresOfInputs(inputs: Record<string, unknown>): Float64Array {
  return Float64Array.from(FEATURE_NAMES, (n) => {
    const v = inputs[n];
    return typeof v === 'number' ? v : NaN;
  });
}

function parseFeedback(body: unknown): Pick<FeedbackRow, 'label' | 'note'> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('body', 'must be a JSON object with label and note');
  }
  const { label, note } = body as Record<string, unknown>;
  if (label !== 'true_positive' && label !== 'false_positive') {
    throw new ValidationError('label', 'label must be "true_positive" or "false_positive"');
  }
  if (note !== undefined && note !== null && typeof note !== 'string') {
    throw new ValidationError('note', 'note must be a string');
  }
  return { label, note: note ?? null };
}
