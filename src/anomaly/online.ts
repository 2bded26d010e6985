import type { FaultLabels, IdentityDecision, TelemetryEvent } from '../domain/index.js';
import type { BaselineSet } from './baseline.js';
import { detect, isAnomalous, type VersionedModel } from './detector.js';
import { errorSignatures, FEATURE_NAMES, recordFeatures, type AnomalyRecord } from './features.js';
import { IncidentTracker, type AnomalyKind, type Incident, type IncidentOptions } from './incidents.js';
import { MetricStreams, type MetricStreamOptions } from './metric-streams.js';
import { fmt } from './reasons.js';
import type { RecentRuns } from './recent-runs.js';
import { RunFeatureTracker, type RunFeatureOptions } from './run-features.js';

/** One stored anomaly: what was judged, the verdict, and the incident it joined. */
export interface AnomalyEntry {
  id: string;
  kind: AnomalyKind;
  pipeline_id: string;
  execution_id: string | null;
  /** The metric series, for kind `metric`. */
  metric: string | null;
  /** Event time of what was judged, epoch ms. */
  detected_at: number;
  score: number;
  reasons: string[];
  algorithm: string;
  model_version: string | null;
  contributions: Record<string, number>;
  /** The inputs as judged (features, or the metric value). */
  inputs: Record<string, unknown>;
  incident_id: string;
  /** Ground truth, when the source (the demo) labels its events. */
  labels: FaultLabels | null;
}

/** What one event led to. */
export interface OnlineOutcome {
  anomalies: AnomalyEntry[];
  /** Incidents opened or updated by these anomalies, and incidents resolved. */
  incidents: { incident: Incident; opened: boolean }[];
}

export interface OnlineOptions {
  newId: () => string;
  /** The model and baselines in use right now (they change when retrained or refreshed). */
  current: () => { model: VersionedModel | null; baselines: BaselineSet };
  /** Where runs judged normal are remembered for the next baselines. */
  recent?: RecentRuns;
  runs?: RunFeatureOptions;
  streams?: MetricStreamOptions;
  incidents?: Omit<IncidentOptions, 'newId'>;
}

const NONE: OnlineOutcome = Object.freeze({ anomalies: [], incidents: [] }) as OnlineOutcome;

/**
 * Online inference on the event stream: every finished execution through the hybrid detector, every
 * metric value (and run duration) through its series' streaming detector; anomalies grouped into
 * incidents. Pure: ids and the model come in; the caller stores what comes out.
 */
export class OnlineAnomalyDetector {
  readonly runs: RunFeatureTracker;
  readonly streams: MetricStreams;
  readonly incidents: IncidentTracker;
  private readonly row = new Float64Array(FEATURE_NAMES.length);

  constructor(private readonly options: OnlineOptions) {
    this.runs = new RunFeatureTracker(options.runs);
    this.streams = new MetricStreams(options.streams);
    this.incidents = new IncidentTracker({ ...options.incidents, newId: options.newId });
  }

  /** Judges one accepted event; a repeat of a state already seen is skipped. */
  observe(event: TelemetryEvent, decision: IdentityDecision = 'new'): OnlineOutcome {
    if (decision === 'unchanged') return NONE;
    if (event.kind === 'metric') return this.onMetric(event.pipeline_id, event.name, event.value, event);
    const record = this.runs.observe(event);
    if (record === null) return NONE;
    const out = this.onRun(record, event);
    const duration = this.onMetric(event.pipeline_id, 'duration_seconds', record.duration_seconds, event);
    // Most runs are normal: no new arrays for them.
    if (duration === NONE) return out;
    return {
      anomalies: [...out.anomalies, ...duration.anomalies],
      incidents: [...out.incidents, ...duration.incidents],
    };
  }

  /**
   * Replays a past event (in event-time order) into the state online detection keeps — failures in
   * the hour, stage norms, the log miner, every metric series' streaming detector — without judging
   * it, so that after a restart detection resumes where it was rather than from nothing. Returns the
   * finished run's record, if any.
   */
  warm(event: TelemetryEvent): AnomalyRecord | null {
    if (event.kind === 'metric') {
      this.streams.update(event.pipeline_id, event.name, event.value);
      return null;
    }
    const record = this.runs.observe(event);
    if (record !== null) this.streams.update(event.pipeline_id, 'duration_seconds', record.duration_seconds);
    return record;
  }

  /** Resolves incidents quiet long enough at `now`. */
  sweep(now: number): Incident[] {
    return this.incidents.sweep(now);
  }

  private onRun(record: AnomalyRecord, event: TelemetryEvent): OnlineOutcome {
    const { model, baselines } = this.options.current();
    const signatures = errorSignatures(record.stage_errors);
    const row = recordFeatures(record, this.row, signatures);
    const context = { model, baselines, pipelineId: record.pipeline_id, signatures };
    const time = event.event_time;
    // Most runs are normal: the verdict's words are built only for those flagged.
    if (!isAnomalous(row, context)) {
      if (record.pipeline_id !== null) this.options.recent?.add(record.pipeline_id, row);
      const resolved = this.incidents.onNormalRun(event.pipeline_id, time);
      if (resolved.length === 0) return NONE;
      return { anomalies: [], incidents: resolved.map((incident) => ({ incident, opened: false })) };
    }
    const verdict = detect(row, context);
    const inputs: Record<string, unknown> = {};
    FEATURE_NAMES.forEach((n, i) => (inputs[n] = Number.isFinite(row[i]) ? row[i] : null));
    inputs.stage_errors = record.stage_errors;
    return this.record(event, 'execution', null, {
      score: verdict.score,
      reasons: verdict.reasons,
      algorithm: verdict.algorithm,
      model_version: verdict.model_version,
      contributions: verdict.contributions as Record<string, number>,
      inputs,
    });
  }

  private onMetric(pipelineId: string, metric: string, value: number, event: TelemetryEvent): OnlineOutcome {
    const v = this.streams.update(pipelineId, metric, value);
    if (v === null || !v.alert) return NONE;
    const reason = `${metric} = ${fmt(value)} is unlike this pipeline's recent values (recent average ${fmt(v.recentMean)}; streaming score ${fmt(v.score)})`;
    return this.record(event, 'metric', metric, {
      score: Math.round(v.score * 10_000) / 10_000,
      reasons: [reason],
      algorithm: 'streaming',
      model_version: null,
      contributions: { [metric]: 1 },
      inputs: { [metric]: value, recent_mean: v.recentMean },
    });
  }

  private record(
    event: TelemetryEvent,
    kind: AnomalyKind,
    metric: string | null,
    verdict: Pick<
      AnomalyEntry,
      'score' | 'reasons' | 'algorithm' | 'model_version' | 'contributions' | 'inputs'
    >,
  ): OnlineOutcome {
    const change = this.incidents.onAnomaly({
      pipeline_id: event.pipeline_id,
      kind,
      time: event.event_time,
      score: verdict.score,
      title: verdict.reasons[0] ?? 'anomaly',
    });
    const incident = change.incident as Incident;
    const entry: AnomalyEntry = {
      id: this.options.newId(),
      kind,
      pipeline_id: event.pipeline_id,
      execution_id: 'execution_id' in event ? event.execution_id : null,
      metric,
      detected_at: event.event_time,
      ...verdict,
      incident_id: incident.id,
      labels: event.labels ?? null,
    };
    return {
      anomalies: [entry],
      incidents: [
        ...change.resolved.map((i) => ({ incident: i, opened: false })),
        { incident, opened: change.opened },
      ],
    };
  }
}
