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
}

/** A version without its artifact (lists). */
export type ModelVersionInfo = Omit<ModelVersion, 'artifact'>;

/** Where model versions are kept. */
export interface ModelStore {
  /** Adds a version; with `retire`, the kind's versions in those statuses become `retired` in the same transaction. */
  insert(version: ModelVersion, retire?: readonly ModelStatus[]): Promise<void>;
  get(kind: ModelKind, modelVersion: string): Promise<ModelVersion | null>;
  /** The newest version of the kind in one of `statuses`, or null. */
  latest(kind: ModelKind, statuses: readonly ModelStatus[]): Promise<ModelVersion | null>;
  /** Newest first, without artifacts. */
  list(
    kind: ModelKind,
    q: { limit: number; offset: number },
  ): Promise<{ items: ModelVersionInfo[]; total: number }>;
  /** Changes a version's status; false when there is no such version. */
  setStatus(kind: ModelKind, modelVersion: string, status: ModelStatus): Promise<boolean>;
}
