import type { ModelKind, ModelStatus, ModelStore, ModelVersion, ModelVersionInfo } from '../ports/index.js';
import { AppError, hashKey, NotFoundError, type Clock } from '../shared/index.js';
import { canTransition, versionName } from './rollout.js';

/** What training hands the registry; it adds version, status and creation time. */
export type ModelDraft = Omit<
  ModelVersion,
  'model_version' | 'status' | 'created_at' | 'rollout_share' | 'previous_full'
>;

/**
 * Model versions of every kind: registers what training produced, answers which version is in use,
 * and moves versions through the rollout. Persists through the ModelStore port.
 */
export class ModelRegistry {
  constructor(
    private readonly store: ModelStore,
    private readonly clock: Clock,
  ) {}

  /**
   * Registers a version straight to `full`, retiring the kind's current `full` one in the same
   * transaction (the anomaly detector has no staged rollout; prediction adds shadow/canary).
   */
  async registerFull(draft: ModelDraft): Promise<ModelVersion> {
    const createdAt = this.clock.now();
    const base = versionName(draft.kind, createdAt, hashKey(draft.artifact));
    // The same artifact registered twice in one second: the second gets a suffix, never a clash.
    let name = base;
    for (let n = 2; (await this.store.get(draft.kind, name)) !== null; n++) name = `${base}-${n}`;
    const replaced = await this.store.latest(draft.kind, ['full']);
    const version: ModelVersion = {
      ...draft,
      model_version: name,
      status: 'full',
      created_at: createdAt,
      rollout_share: null,
      previous_full: replaced?.model_version ?? null,
    };
    await this.store.insert(version, ['full']);
    return version;
  }

  /** The version of the kind serving all traffic, or null before any training. */
  active(kind: ModelKind): Promise<ModelVersion | null> {
    return this.store.latest(kind, ['full']);
  }

  /** Versions of a kind, newest first, without artifacts. */
  list(
    kind: ModelKind,
    q: { limit: number; offset: number },
  ): Promise<{ items: ModelVersionInfo[]; total: number }> {
    return this.store.list(kind, q);
  }

  /** Moves a version to another rollout status; CONFLICT when the move is not allowed. */
  async transition(kind: ModelKind, modelVersion: string, to: ModelStatus): Promise<void> {
    const v = await this.store.get(kind, modelVersion);
    if (v === null) throw new NotFoundError(`no ${kind} model version "${modelVersion}"`);
    if (!canTransition(v.status, to)) {
      throw new AppError('CONFLICT', `${kind} model ${modelVersion} cannot go from ${v.status} to ${to}`);
    }
    await this.store.update(kind, [{ model_version: modelVersion, from: v.status, to, rollout_share: null }]);
  }
}
