import { FEATURES, hourOfRow } from './features.js';
import { detectSeason, seasonalStats, type Season } from './season.js';
import { featureStats, type FeatureStats } from './stats.js';

export { featureStats, medianOf, type FeatureStats } from './stats.js';

/** One baseline: stats per feature (null where no value was ever known), and the rows it came from. */
export interface Baseline {
  samples: number;
  features: (FeatureStats | null)[];
  /** Per feature, the daily profile it follows (null: no daily pattern, or too few runs to tell). */
  seasons?: (Season | null)[];
}

// MAD × 1.4826 estimates σ for normal data.
const MAD_TO_SIGMA = 1.4826;

/**
 * Baseline of the finite values of each column over `rows` (feature vectors, NaN = unknown), with a
 * daily profile for each judged feature that follows one (see season.ts).
 */
export function computeBaseline(rows: readonly Float64Array[]): Baseline {
  const hours = rows.map(hourOfRow);
  const features: (FeatureStats | null)[] = [];
  const seasons: (Season | null)[] = [];
  FEATURES.forEach((spec, c) => {
    const values: number[] = [];
    const at: (number | null)[] = [];
    rows.forEach((r, i) => {
      if (Number.isFinite(r[c])) {
        values.push(r[c]);
        at.push(hours[i]);
      }
    });
    const flat = values.length === 0 ? null : featureStats(values);
    features.push(flat);
    // Counts the rules judge (failures, retries, error signatures) keep a flat baseline: a burst in
    // the history must not become the norm for its hour.
    const seasonal = flat !== null && spec.judged && spec.ruleMin === null;
    seasons.push(seasonal ? detectSeason(values, at, flat.skewed, spec.relFloor > 0) : null);
  });
  return { samples: rows.length, features, seasons };
}

/**
 * What `feature` is judged against at `hour` (UTC, fractional; null = unknown): the hour's bucket of
 * its daily profile when it has one, else the flat stats.
 */
export function statsAt(b: Baseline, feature: number, hour: number | null): FeatureStats | null {
  const season = hour === null ? null : (b.seasons?.[feature] ?? null);
  return season === null || hour === null ? b.features[feature] : seasonalStats(season, hour);
}

/** The value a feature is compared with: the median when skewed, else the mean. */
export function centerOf(s: FeatureStats): number {
  return s.skewed ? s.median : s.mean;
}

/** The spread a z-score divides by, never below the feature's floor (see FEATURES). */
export function spreadOf(s: FeatureStats, feature: number): number {
  const spec = FEATURES[feature];
  const raw = s.skewed ? MAD_TO_SIGMA * s.mad : s.std;
  return Math.max(raw, spec.floor, spec.relFloor * Math.abs(centerOf(s))) * (s.scale ?? 1);
}

/** The (robust where skewed) z-score of `value`; NaN when either is unknown or the feature is not judged. */
export function zScore(s: FeatureStats | null, feature: number, value: number): number {
  if (s === null || !Number.isFinite(value) || !FEATURES[feature].judged) return NaN;
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
