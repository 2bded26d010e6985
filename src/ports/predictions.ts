import type { ModelOutcomes } from './models.js';
import type { Page } from './anomalies.js';
import type { TimedPageQuery } from './logs.js';

/** Why a prediction was made: a request, a run that started, a preflight before a scheduled run. */
export const PREDICTION_KINDS = ['request', 'run_start', 'preflight'] as const;
export type PredictionKind = (typeof PREDICTION_KINDS)[number];

/** A stage's risk as stored with its prediction. */
export interface StoredStageRisk {
  name: string;
  risk: number;
  is_critical: boolean;
}

/** A duration forecast as stored with its prediction. */
export interface StoredDurationForecast {
  expected_seconds: number;
  p90_seconds: number;
  timeout_breach_probability: number | null;
}

/** One scoring by one model version (serving or shadow), and its outcome once the run finished. Times: epoch ms. */
export interface PredictionRow {
  id: string;
  kind: PredictionKind;
  pipeline_id: string | null;
  execution_id: string | null;
  /** Null when the heuristic answered. */
  model_version: string | null;
  model_type: string;
  /** Scored beside the serving model, never deciding. */
  shadow: boolean;
  failure_probability: number;
  /** Feature values (null = unknown). */
  features: Record<string, number | null>;
  stage_risks: StoredStageRisk[];
  top_risk_factors: string[];
  duration_model_version: string | null;
  duration_forecast: StoredDurationForecast | null;
  timeout_seconds: number | null;
  predicted_at: number;
  /** The planned start a preflight was made for; null for other kinds. */
  planned_at: number | null;
  /** 1 = the run failed, 0 = it succeeded, null = not finished (or no run). */
  outcome: 0 | 1 | null;
  outcome_at: number | null;
  actual_duration_seconds: number | null;
}

/** List filters: the list conventions plus kind, model version, shadow, execution and outcome. */
export interface PredictionListQuery extends TimedPageQuery {
  kind?: PredictionKind;
  model_version?: string;
  execution_id?: string;
  shadow?: boolean;
  /** true: only rows whose run finished; false: only rows still waiting. */
  has_outcome?: boolean;
}

/** How a run ended, joined onto its predictions. Times: epoch ms. */
export interface RunOutcome {
  pipeline_id: string;
  execution_id: string;
  failed: boolean;
  completed_at: number;
  duration_seconds: number;
}

/** A started run, which claims the preflights made for it. */
export interface RunStart {
  pipeline_id: string;
  execution_id: string;
  /** Preflights planned for a start in [from, to] are linked to the run. */
  from: number;
  to: number;
}

/**
 * A prediction row as its store will send it, made by the store's `encode` when the row is recorded
 * (no later change to the row is seen); waiting rows are kept as these texts' bytes.
 */
export type EncodedPredictionRow = string & { readonly __encodedPredictionRow: true };

/**
 * Rows encoded by the store's `encode`, in the order they were recorded, as the writer hands them to
 * `write`: held as bytes outside the JS heap while they wait, so rows waiting for their write cost the
 * young-generation collections nothing. Readable only until the `write` it was given to settles.
 */
export interface EncodedPredictionRows {
  readonly count: number;
  /** The encodings of rows [from, to), joined by commas, as one string. */
  joined(from: number, to: number): string;
}

/** Where predictions are kept; also the labelled scores the registry compares versions on. */
export interface PredictionStore extends ModelOutcomes {
  /** The row as `write` takes it (see EncodedPredictionRows); later changes to `row` are not seen. */
  encode(row: PredictionRow): EncodedPredictionRow;
  /** In one transaction, in order: new rows, preflights claimed by started runs, outcomes of finished runs. */
  write(batch: {
    rows: EncodedPredictionRows;
    starts: readonly RunStart[];
    outcomes: readonly RunOutcome[];
  }): Promise<void>;
  /** Newest first; the times filter predicted_at. */
  list(q: PredictionListQuery): Promise<Page<PredictionRow>>;
}
