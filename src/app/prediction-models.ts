import type { ModelKind, ModelVersion } from '../ports/index.js';
import {
  decodeFailureModel,
  loadDurationModel,
  versionedFailureModel,
  type DurationModel,
  type VersionedFailureModel,
} from '../prediction/index.js';
import type { ModelDraft } from '../registry/index.js';
import { toError } from '../shared/index.js';

/** What the prediction service needs of the model registry. */
export interface PredictionRegistry {
  /** Which version decides for the pipeline and which score beside it (cached in memory by the registry). */
  route(
    kind: ModelKind,
    pipelineId: string,
  ): Promise<{ serving: ModelVersion | null; shadows: ModelVersion[] }>;
  registerFull(draft: ModelDraft): Promise<ModelVersion>;
  registerShadow(draft: ModelDraft): Promise<ModelVersion>;
}

/** A duration model and whether it beat the window statistics on its validation runs. */
export interface VersionedDurationModel {
  version: string;
  model: DurationModel;
  /** Used for forecasts only when it beat the plain window mean. */
  beatsWindow: boolean;
}

/** The decoded models of one route: the serving one (null: none, or unreadable) and the shadows. */
export interface LoadedRoute<M> {
  serving: M | null;
  /** The serving version could not be loaded (the heuristic answers instead). */
  servingError: Error | null;
  shadows: M[];
}

/**
 * Decoded models by version, so a request never parses an artifact twice; an artifact that cannot be
 * read is reported once and remembered as unusable (the service falls back, it does not fail).
 */
export class ModelCache {
  private readonly failure = new Map<string, VersionedFailureModel | Error>();
  private readonly duration = new Map<string, VersionedDurationModel | Error>();

  constructor(
    private readonly registry: PredictionRegistry,
    private readonly onError: (err: Error, version: string) => void,
  ) {}

  /** The failure models serving and shadowing for the pipeline. */
  async failureRoute(pipelineId: string): Promise<LoadedRoute<VersionedFailureModel>> {
    const route = await this.registry.route('prediction', pipelineId);
    return this.load(route, this.failure, (v) =>
      versionedFailureModel(v.model_version, decodeFailureModel(v.artifact)),
    );
  }

  /** The duration models serving and shadowing for the pipeline. */
  async durationRoute(pipelineId: string): Promise<LoadedRoute<VersionedDurationModel>> {
    const route = await this.registry.route('duration', pipelineId);
    return this.load(route, this.duration, (v) => {
      const mae = Number(v.metrics.mae);
      const baseline = Number(v.metrics.baseline_mae);
      return {
        version: v.model_version,
        model: loadDurationModel(v.artifact),
        beatsWindow: !Number.isFinite(baseline) || mae <= baseline,
      };
    });
  }

  private load<M>(
    route: { serving: ModelVersion | null; shadows: ModelVersion[] },
    cache: Map<string, M | Error>,
    decode: (v: ModelVersion) => M,
  ): LoadedRoute<M> {
    const get = (v: ModelVersion): M | Error => {
      let m = cache.get(v.model_version);
      if (m === undefined) {
        try {
          m = decode(v);
        } catch (err) {
          m = toError(err);
          this.onError(m, v.model_version);
        }
        cache.set(v.model_version, m);
      }
      return m;
    };
    const serving = route.serving === null ? null : get(route.serving);
    const shadows: M[] = [];
    for (const v of route.shadows) {
      const m = get(v);
      if (!(m instanceof Error)) shadows.push(m);
    }
    return serving instanceof Error
      ? { serving: null, servingError: serving, shadows }
      : { serving, servingError: null, shadows };
  }
}
