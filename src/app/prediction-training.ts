import type { EventStore } from '../ports/index.js';
import {
  PREDICTION_FEATURES,
  encodeFailureModel,
  featureVector,
  saveDurationModel,
  trainDurationModel,
  trainFailureModel,
  trainingFeatures,
  type DurationMetrics,
  type DurationRow,
  type FailureModel,
  type PastRun,
  type TrainFailureOptions,
  type TrainingRow,
} from '../prediction/index.js';
import type { ModelDraft } from '../registry/index.js';
import { SeededRng } from '../shared/index.js';
import { StageTimeline, type PipelineContexts } from './prediction-context.js';
import { RunHistory } from './run-history.js';

/** Labelled rows from the store: every finished run's features as of its start. */
export interface StoreTrainingSet {
  rows: TrainingRow[];
  durations: DurationRow[];
  window: { start: number; end: number } | null;
  pipelines: number;
}

/**
 * Reads the finished runs since `sinceMs` from the store and turns each into a training row as of
 * its own start: only runs that had finished before it started feed its features.
 */
export async function storeTrainingSet(
  events: EventStore,
  contexts: PipelineContexts,
  sinceMs: number,
): Promise<StoreTrainingSet> {
  const history = new RunHistory({ keepMs: Infinity, maxRunsPerPipeline: Infinity });
  for await (const page of events.scanSince(sinceMs)) for (const e of page) history.observe(e);
  const rows: TrainingRow[] = [];
  const durations: DurationRow[] = [];
  const names = PREDICTION_FEATURES;
  for (const pipelineId of history.pipelines()) {
    const runs = history.of(pipelineId);
    const ctx = await contexts.get(pipelineId, runs);
    // Each row's stage list as known when its run started, not the pipeline's current one.
    const stages = new StageTimeline(ctx.definitions, runs);
    const points = trainingFeatures(runs, (run: PastRun) => ({
      time: run.started_at,
      trigger_type: run.trigger_type,
      stages: stages.at(run.started_at),
      versionTimes: ctx.versionTimes,
    }));
    for (const { run, point } of points) {
      rows.push({
        time: run.started_at,
        features: featureVector(names, point.features),
        label: run.failed ? 1 : 0,
      });
      // A failed run stopped early: its duration says little about how long a run takes.
      if (!run.failed && run.duration_seconds > 0)
        durations.push({
          features: point.features,
          duration_seconds: run.duration_seconds,
          time: run.started_at,
        });
    }
  }
  rows.sort((a, b) => a.time - b.time);
  durations.sort((a, b) => a.time - b.time);
  const window = rows.length === 0 ? null : { start: rows[0].time, end: rows[rows.length - 1].time };
  return { rows, durations, window, pipelines: history.pipelines().length };
}

/** A trained failure model and the registry draft that carries it. */
export function failureDraft(
  rows: readonly TrainingRow[],
  featureNames: readonly string[],
  window: { start: number; end: number } | null,
  source: 'request' | 'store',
  options: TrainFailureOptions,
): { model: FailureModel; draft: ModelDraft } {
  const model = trainFailureModel(rows, featureNames, options);
  const draft: ModelDraft = {
    kind: 'prediction',
    artifact: encodeFailureModel(model),
    training_window: window,
    contamination: null,
    feature_names: [...featureNames],
    metrics: {
      ...model.metrics,
      thresholds: model.thresholds,
      training: model.training,
      trained_samples: rows.length,
      source,
    },
  };
  return { model, draft };
}

/** A trained duration model's draft and metrics. */
export function durationDraft(
  rows: readonly DurationRow[],
  window: { start: number; end: number } | null,
  seed: number,
): { draft: ModelDraft; metrics: DurationMetrics } {
  const { model, metrics } = trainDurationModel(rows, PREDICTION_FEATURES, new SeededRng(seed));
  return {
    metrics,
    draft: {
      kind: 'duration',
      artifact: saveDurationModel(model),
      training_window: window,
      contamination: null,
      feature_names: [...PREDICTION_FEATURES],
      metrics: { ...metrics, trained_samples: rows.length, source: 'store' },
    },
  };
}
