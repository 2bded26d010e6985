import type { GbdtParams } from './params.js';
import type { Tree } from './tree.js';

/** A trained gradient-boosted tree ensemble: raw score = baseScore + Σ tree outputs. Immutable. */
export interface GbdtModel {
  readonly params: GbdtParams;
  readonly featureNames: readonly string[];
  readonly numFeatures: number;
  /** The prior: log-odds of the weighted positive rate (binary) or the weighted mean (regression). */
  readonly baseScore: number;
  readonly trees: readonly Tree[];
}
