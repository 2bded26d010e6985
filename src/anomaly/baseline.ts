import { FEATURES } from './features.js';

/** What normal looks like for one feature: classic and robust location/spread over the values seen. */
export interface FeatureStats {
  n: number;
  mean: number;
  std: number;
  median: number;
  /** Median absolute deviation (unscaled). */
  mad: number;
  /** Sample skewness beyond ±1: the robust z (median/MAD) judges this feature. */
  skewed: boolean;
}

/** One baseline: stats per feature (null where no value was ever known), and the rows it came from. */
export interface Baseline {
  samples: number;
  features: (FeatureStats | null)[];
}

// |skewness| above this: the mean and std are pulled by the tail, so the robust z is used instead.
const SKEW_LIMIT = 1;
// MAD × 1.4826 estimates σ for normal data.
const MAD_TO_SIGMA = 1.4826;

/** Baseline of the finite values of each column over `rows` (feature vectors, NaN = unknown). */
export function computeBaseline(rows: readonly Float64Array[]): Baseline {
  const features = FEATURES.map((_, c) => {
    const values = rows.map((r) => r[c]).filter(Number.isFinite);
    return values.length === 0 ? null : featureStats(values);
  });
  return { samples: rows.length, features };
}

/** Classic and robust location/spread of finite values (at least one). */
export function featureStats(values: readonly number[]): FeatureStats {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  let m2 = 0;
  let m3 = 0;
  for (const v of values) {
    const d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  const variance = m2 / n;
  const std = Math.sqrt(n > 1 ? m2 / (n - 1) : 0);
  const skew = variance > 0 ? m3 / n / variance ** 1.5 : 0;
  const median = medianOf(values);
  const mad = medianOf(values.map((v) => Math.abs(v - median)));
  return { n, mean, std, median, mad, skewed: Math.abs(skew) > SKEW_LIMIT };
}

function medianOf(values: readonly number[]): number {
  const s = Float64Array.from(values).sort();
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The value a feature is compared with: the median when skewed, else the mean. */
export function centerOf(s: FeatureStats): number {
  return s.skewed ? s.median : s.mean;
}

/** The spread a z-score divides by, never below the feature's floor (see FEATURES). */
export function spreadOf(s: FeatureStats, feature: number): number {
  const spec = FEATURES[feature];
  const raw = s.skewed ? MAD_TO_SIGMA * s.mad : s.std;
  return Math.max(raw, spec.floor, spec.relFloor * Math.abs(centerOf(s)));
}

/** The (robust where skewed) z-score of `value`; NaN when either is unknown. */
export function zScore(s: FeatureStats | null, feature: number, value: number): number {
  if (s === null || !Number.isFinite(value)) return NaN;
  return (value - centerOf(s)) / spreadOf(s, feature);
}

/** The z-score as evidence of trouble: a fall counts as nothing for features where only a rise is abnormal. */
export function effectiveZ(s: FeatureStats | null, feature: number, value: number): number {
  const z = zScore(s, feature, value);
  if (Number.isNaN(z)) return 0;
  return FEATURES[feature].upOnly ? Math.max(z, 0) : Math.abs(z);
}

/** Where a detection's baseline came from. */
export type BaselineScope = 'pipeline' | 'fleet' | 'model';

/** Per-pipeline baselines and a fleet-wide one for pipelines without enough history. */
export interface BaselineSet {
  fleet: Baseline | null;
  pipelines: ReadonlyMap<string, Baseline>;
  /** When the set was computed (epoch ms). */
  computedAt: number;
}

/** Runs a pipeline needs before its own baseline is used instead of the fleet's. */
export const MIN_PIPELINE_SAMPLES = 10;

/** An empty set: no history yet. */
export function emptyBaselines(): BaselineSet {
  return { fleet: null, pipelines: new Map(), computedAt: 0 };
}

/** Groups feature rows by pipeline and computes every baseline (one pass per pipeline). */
export function buildBaselines(
  rows: readonly { pipeline_id: string; features: Float64Array }[],
  computedAt: number,
): BaselineSet {
  const groups = new Map<string, Float64Array[]>();
  for (const r of rows) {
    const g = groups.get(r.pipeline_id);
    if (g === undefined) groups.set(r.pipeline_id, [r.features]);
    else g.push(r.features);
  }
  const pipelines = new Map<string, Baseline>();
  for (const [id, g] of groups) if (g.length >= MIN_PIPELINE_SAMPLES) pipelines.set(id, computeBaseline(g));
  const fleet = rows.length === 0 ? null : computeBaseline(rows.map((r) => r.features));
  return { fleet, pipelines, computedAt };
}
