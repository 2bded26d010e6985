import type { ModelVersion } from '../ports/index.js';
import { hash53 } from '../shared/index.js';

/** Which version decides for a pipeline, and which others score the same request without deciding. */
export interface Route {
  serving: ModelVersion | null;
  shadows: ModelVersion[];
}

const HASH_RANGE = 2 ** 53;

/**
 * Where a pipeline falls in [0, 1) for a canary version: the same for every call and process. The
 * canary's name is part of the hash, so each canary tries its luck on a different set of pipelines,
 * while ramping one canary's share up keeps the pipelines it already served.
 */
export function canaryBucket(canaryVersion: string, pipelineId: string): number {
  return hash53(`${canaryVersion}\n${pipelineId}`) / HASH_RANGE;
}

/**
 * The live versions of one kind and the two routes they give. The canary serves the pipelines whose
 * bucket is below its share, the full version serves the rest; every live version that does not
 * serve a request scores it as a shadow (so champion and challenger are scored on the same requests).
 */
export class RouteTable {
  readonly full: ModelVersion | null;
  readonly canary: ModelVersion | null;
  private readonly share: number;
  private readonly toCanary: Route;
  private readonly toFull: Route;

  /** `live`: the kind's shadow, canary and full versions, newest first. */
  constructor(live: readonly ModelVersion[]) {
    this.full = live.find((v) => v.status === 'full') ?? null;
    this.canary = live.find((v) => v.status === 'canary') ?? null;
    this.share = this.canary?.rollout_share ?? 0;
    const shadows = live.filter((v) => v.status === 'shadow');
    const also = (v: ModelVersion | null) => (v === null ? shadows : [...shadows, v]);
    this.toCanary = Object.freeze({
      serving: this.canary,
      shadows: Object.freeze(also(this.full)) as ModelVersion[],
    });
    this.toFull = Object.freeze({
      serving: this.full,
      shadows: Object.freeze(also(this.canary)) as ModelVersion[],
    });
  }

  /** The route of one pipeline's requests (shared, frozen objects: nothing allocated per call). */
  route(pipelineId: string): Route {
    if (this.canary !== null && canaryBucket(this.canary.model_version, pipelineId) < this.share) {
      return this.toCanary;
    }
    return this.toFull;
  }
}
