/** Model kinds (CONVENTIONS.md "Models"). */
export const MODEL_KINDS = ['anomaly', 'prediction', 'duration'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** Rollout states: scored and logged only, a share of traffic, all traffic, no longer used. */
export const MODEL_STATUSES = ['shadow', 'canary', 'full', 'retired'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

/** One registered model version with its artifact and training metadata. Times: epoch ms. */
export interface ModelVersion {
  kind: ModelKind;
  model_version: string;
  status: ModelStatus;
  /** The artifact envelope (JSON text, see src/ml/artifact.ts). */
  artifact: string;
  training_window: { start: number; end: number } | null;
  contamination: number | null;
  feature_names: string[];
  metrics: Record<string, unknown>;
  created_at: number;
  /** Share of pipelines (0–1) a `canary` serves; null in every other status. */
  rollout_share: number | null;
  /** The version that was `full` when this one last became `full` (what a rollback returns to). */
  previous_full: string | null;
}

/** A version without its artifact (lists). */
export type ModelVersionInfo = Omit<ModelVersion, 'artifact'>;

/** One version's status change, applied only if the version still has status `from`. */
export interface StatusChange {
  model_version: string;
  from: ModelStatus;
  to: ModelStatus;
  rollout_share: number | null;
  /** Replaces `previous_full` when given; left as it is when omitted. */
  previous_full?: string | null;
}

/** A page of versions: of one kind or all, created in [since, until) (epoch ms) when given. */
export interface ModelListQuery {
  kind?: ModelKind;
  limit: number;
  offset: number;
  since?: number;
  until?: number;
}

/** Where model versions are kept. */
export interface ModelStore {
  /** Adds a version; with `retire`, the kind's versions in those statuses become `retired` in the same transaction. */
  insert(version: ModelVersion, retire?: readonly ModelStatus[]): Promise<void>;
  get(kind: ModelKind, modelVersion: string): Promise<ModelVersion | null>;
  /** The newest version of the kind in one of `statuses`, or null. */
  latest(kind: ModelKind, statuses: readonly ModelStatus[]): Promise<ModelVersion | null>;
  /** Every version of the kind in one of `statuses`, newest first, with artifacts. */
  withStatus(kind: ModelKind, statuses: readonly ModelStatus[]): Promise<ModelVersion[]>;
  /** Newest first, without artifacts. */
  list(q: ModelListQuery): Promise<{ items: ModelVersionInfo[]; total: number }>;
  /**
   * Applies the changes in order in one transaction. When a version no longer has its `from` status
   * (another process moved it), nothing is applied and the call fails with CONFLICT.
   */
  update(kind: ModelKind, changes: readonly StatusChange[]): Promise<void>;
}

/** One scored request whose outcome is known: the version's score (a probability) and the label. */
// A type, not an interface, so that it can be a query's row type (Record<string, unknown>).
export type ScoredOutcome = {
  model_version: string;
  /** The version's probability of the positive class, in [0, 1]. */
  score: number;
  /** 1 when the positive class happened (the run failed, the anomaly was real). */
  label: 0 | 1;
  /** When the request was scored, epoch ms. */
  at: number;
};

/** Labelled scores per model version, to compare versions on the same recent requests. */
export interface ModelOutcomes {
  /**
   * Outcomes scored by any of `modelVersions` of the kind at or after `since` (epoch ms), whose
   * label is known; shadow scores included. Order is not significant.
   */
  scoredOutcomes(kind: ModelKind, modelVersions: string[], since: number): Promise<ScoredOutcome[]>;
}
