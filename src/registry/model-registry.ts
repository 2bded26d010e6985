import {
  MODEL_KINDS,
  type ModelKind,
  type ModelListQuery,
  type ModelOutcomes,
  type ModelStatus,
  type ModelStore,
  type ModelVersion,
  type ModelVersionInfo,
  type StatusChange,
} from '../ports/index.js';
import { AppError, hashKey, NotFoundError, ValidationError, type Clock } from '../shared/index.js';
import { compareOutcomes, gateRefusal, type Comparison } from './comparison.js';
import { RouteCache } from './route-cache.js';
import { canTransition, versionName } from './rollout.js';
import type { Route } from './routing.js';

/** What training hands the registry; it adds version, status, creation time and rollout fields. */
export type ModelDraft = Omit<
  ModelVersion,
  'model_version' | 'status' | 'created_at' | 'rollout_share' | 'previous_full'
>;

export interface RegistryOptions {
  /** Labelled scores of the versions, for compare and the gate; without it there are none. */
  outcomes?: ModelOutcomes;
  /** Longest time a route table is used before the store is read again (another process may move versions). */
  routeRefreshMs?: number;
  /** Window of `compare` when no `since` is given. */
  compareWindowMs?: number;
  /** Share of pipelines a canary serves when `promote` is given none. */
  canaryShare?: number;
  /** Told about background failures (a route refresh that failed while an older table answered). */
  onError?: (err: Error) => void;
}

export interface PromoteRequest {
  to: 'canary' | 'full';
  /** Canary only: share of pipelines (0–1) it serves. */
  share?: number;
}

/** What one run of the automatic gate decided for a kind. */
export interface GateDecision {
  kind: ModelKind;
  /** The version promoted to full, or null when the gate refused. */
  promoted: string | null;
  reason: string;
  comparison: Comparison;
}

const LIVE: readonly ModelStatus[] = ['full', 'canary', 'shadow'];
const NO_OUTCOMES: ModelOutcomes = { scoredOutcomes: () => Promise.resolve([]) };

/**
 * Model versions of every kind: registers what training produced, routes requests to the versions in
 * use, and moves versions through the rollout (shadow → canary → full, rollback). Persists through
 * the ModelStore port; routing answers from memory.
 */
export class ModelRegistry {
  private readonly routes: RouteCache;
  private readonly outcomes: ModelOutcomes;
  private readonly compareWindowMs: number;
  private readonly canaryShare: number;

  constructor(
    private readonly store: ModelStore,
    private readonly clock: Clock,
    options: RegistryOptions = {},
  ) {
    this.outcomes = options.outcomes ?? NO_OUTCOMES;
    this.compareWindowMs = options.compareWindowMs ?? 7 * 86_400_000;
    this.canaryShare = checkShare(options.canaryShare ?? 0.1);
    this.routes = new RouteCache(
      (kind) => store.withStatus(kind, LIVE),
      clock,
      options.routeRefreshMs ?? 5000,
      options.onError ?? (() => {}),
    );
  }

  /**
   * Registers a version straight to `full`, retiring the kind's current `full` one in the same
   * transaction and remembering it for a rollback (the anomaly detector has no staged rollout).
   */
  registerFull(draft: ModelDraft): Promise<ModelVersion> {
    return this.register(draft, 'full');
  }

  /** Registers a version as `shadow`: scored and logged beside the others, never deciding. Retires nothing. */
  registerShadow(draft: ModelDraft): Promise<ModelVersion> {
    return this.register(draft, 'shadow');
  }

  /** The version of the kind serving all traffic outside a canary, or null before any training. */
  active(kind: ModelKind): Promise<ModelVersion | null> {
    return this.store.latest(kind, ['full']);
  }

  /** Versions newest first, without artifacts. */
  async list(q: ModelListQuery): Promise<{ items: ModelVersionInfo[]; total: number }> {
    return this.store.list(q);
  }

  /** A version by name, whatever its kind; NOT_FOUND when there is none. */
  async get(modelVersion: string): Promise<ModelVersion> {
    for (const kind of MODEL_KINDS) {
      const v = await this.store.get(kind, modelVersion);
      if (v !== null) return v;
    }
    throw new NotFoundError(`no model version "${modelVersion}"`);
  }

  /**
   * Which version decides for this pipeline and which score beside it (never deciding). Answers from
   * memory: refreshed every `routeRefreshMs` and after every transition made through this registry.
   */
  async route(kind: ModelKind, pipelineId: string): Promise<Route> {
    return (await this.routes.get(kind)).route(pipelineId);
  }

  /**
   * Promotes a version. To `canary` (from shadow, or a canary changing its share): it serves `share`
   * of the pipelines; a previous canary goes back to shadow. To `full` (from shadow, canary or
   * retired): the previous full is retired and remembered for a rollback. CONFLICT otherwise.
   */
  async promote(modelVersion: string, req: PromoteRequest): Promise<ModelVersion> {
    const v = await this.get(modelVersion);
    const changes =
      req.to === 'canary'
        ? await this.toCanary(v, checkShare(req.share ?? this.canaryShare))
        : req.to === 'full'
          ? await this.toFull(v)
          : invalidTarget(req.to);
    await this.apply(v.kind, changes);
    return this.get(modelVersion);
  }

  /**
   * The full version the current one replaced becomes full again; the current one is retired.
   * CONFLICT when there is no full version or it replaced none.
   */
  async rollback(kind: ModelKind): Promise<{ restored: ModelVersion; retired: ModelVersion }> {
    const current = await this.active(kind);
    if (current === null) throw new AppError('CONFLICT', `no full ${kind} version to roll back`);
    const previous =
      current.previous_full === null ? null : await this.store.get(kind, current.previous_full);
    if (previous === null) {
      throw new AppError(
        'CONFLICT',
        `cannot roll back ${kind}: ${current.model_version} did not replace another full version`,
      );
    }
    await this.apply(kind, [
      { model_version: current.model_version, from: 'full', to: 'retired', rollout_share: null },
      { model_version: previous.model_version, from: previous.status, to: 'full', rollout_share: null },
    ]);
    const [restored, retired] = await Promise.all([
      this.get(previous.model_version),
      this.get(current.model_version),
    ]);
    return { restored, retired };
  }

  /**
   * Champion (the full version) against challenger (the canary, else the newest shadow) on the same
   * time window: from `since` (default: `compareWindowMs` ago), but never before both versions existed,
   * so both were live, and scored the same requests, over all of it.
   */
  async compare(kind: ModelKind, opts: { since?: number } = {}): Promise<Comparison> {
    const live = await this.store.withStatus(kind, LIVE);
    const champion = live.find((v) => v.status === 'full') ?? null;
    const challenger =
      live.find((v) => v.status === 'canary') ?? live.find((v) => v.status === 'shadow') ?? null;
    const since = Math.max(
      opts.since ?? this.clock.now() - this.compareWindowMs,
      champion?.created_at ?? -Infinity,
      challenger?.created_at ?? -Infinity,
    );
    const names = [champion, challenger].flatMap((v) => (v === null ? [] : [v.model_version]));
    const outcomes = names.length > 0 ? await this.outcomes.scoredOutcomes(kind, names, since) : [];
    return compareOutcomes(
      kind,
      champion?.model_version ?? null,
      challenger?.model_version ?? null,
      since,
      outcomes,
    );
  }

  /**
   * The automatic gate: promotes the challenger to full only when, over at least `minOutcomes`
   * outcomes of the window, it is not worse than the champion on ROC-AUC and on Brier score.
   */
  async autoPromote(kind: ModelKind, opts: { minOutcomes: number }): Promise<GateDecision> {
    const comparison = await this.compare(kind);
    const refusal = gateRefusal(comparison, opts.minOutcomes);
    if (refusal !== null || comparison.challenger === null) {
      return { kind, promoted: null, reason: refusal ?? 'no challenger', comparison };
    }
    const name = comparison.challenger.model_version;
    await this.promote(name, { to: 'full' });
    return {
      kind,
      promoted: name,
      reason: `not worse on AUC and Brier over ${comparison.outcomes} outcomes`,
      comparison,
    };
  }

  /** Runs the gate for every kind that has a challenger (the periodic check). */
  async checkGates(opts: { minOutcomes: number }): Promise<GateDecision[]> {
    const decisions: GateDecision[] = [];
    for (const kind of MODEL_KINDS) {
      const challenger = await this.store.latest(kind, ['canary', 'shadow']);
      if (challenger !== null) decisions.push(await this.autoPromote(kind, opts));
    }
    return decisions;
  }

  private async register(draft: ModelDraft, status: 'full' | 'shadow'): Promise<ModelVersion> {
    const createdAt = this.clock.now();
    const base = versionName(draft.kind, createdAt, hashKey(draft.artifact));
    // The same artifact registered twice in one second: the second gets a suffix, never a clash.
    let name = base;
    for (let n = 2; (await this.store.get(draft.kind, name)) !== null; n++) name = `${base}-${n}`;
    const replaced = status === 'full' ? await this.active(draft.kind) : null;
    const version: ModelVersion = {
      ...draft,
      model_version: name,
      status,
      created_at: createdAt,
      rollout_share: null,
      previous_full: replaced?.model_version ?? null,
    };
    try {
      await this.store.insert(version, status === 'full' ? ['full'] : []);
    } finally {
      this.routes.invalidate(draft.kind);
    }
    return version;
  }

  private async toCanary(v: ModelVersion, share: number): Promise<StatusChange[]> {
    if (v.status !== 'canary' && !canTransition(v.status, 'canary')) throw illegal(v, 'canary');
    const current = await this.store.latest(v.kind, ['canary']);
    const demote: StatusChange[] =
      current === null || current.model_version === v.model_version
        ? []
        : [{ model_version: current.model_version, from: 'canary', to: 'shadow', rollout_share: null }];
    return [
      ...demote,
      { model_version: v.model_version, from: v.status, to: 'canary', rollout_share: share },
    ];
  }

  private async toFull(v: ModelVersion): Promise<StatusChange[]> {
    if (!canTransition(v.status, 'full')) throw illegal(v, 'full');
    const current = await this.active(v.kind);
    const retire: StatusChange[] =
      current === null
        ? []
        : [{ model_version: current.model_version, from: 'full', to: 'retired', rollout_share: null }];
    return [
      ...retire,
      {
        model_version: v.model_version,
        from: v.status,
        to: 'full',
        rollout_share: null,
        previous_full: current?.model_version ?? null,
      },
    ];
  }

  private async apply(kind: ModelKind, changes: readonly StatusChange[]): Promise<void> {
    try {
      await this.store.update(kind, changes);
    } finally {
      this.routes.invalidate(kind);
    }
  }
}

function checkShare(share: number): number {
  if (typeof share !== 'number' || !Number.isFinite(share) || share < 0 || share > 1) {
    throw new ValidationError('share', `share must be a number from 0 to 1, got ${String(share)}`);
  }
  return share;
}

function invalidTarget(to: unknown): never {
  throw new ValidationError('to', `to must be "canary" or "full", got ${JSON.stringify(to)}`);
}

function illegal(v: ModelVersion, to: ModelStatus): AppError {
  const why = v.status === to ? `it is already ${to}` : `a ${v.status} version cannot become ${to}`;
  return new AppError('CONFLICT', `cannot promote ${v.kind} model ${v.model_version} to ${to}: ${why}`);
}
