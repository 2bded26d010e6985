import { effectiveZ, statsAt, type Baseline } from './baseline.js';
import { FEATURE_NAMES, hourOfRow, type FeatureName } from './features.js';
import { Z_LIMIT } from './scoring.js';
import type { FeatureStats } from './stats.js';

/** Per pipeline, the factor by which feedback widened a feature's spread (always > 1). */
export type Tolerances = Record<string, Partial<Record<FeatureName, number>>>;

/** A run a person labelled, as a feature vector. */
export interface LabelledRun {
  pipeline_id: string;
  features: Float64Array;
  label: 'true_positive' | 'false_positive';
}

/** The most one false alarm can widen a feature's spread: one mislabel must not mute a pipeline. */
export const MAX_TOLERANCE = 10;
/** Copies of a run labelled false_positive in the forest's training rows: it is normal, and not rare. */
export const FALSE_ALARM_WEIGHT = 5;
// A false alarm's value lands at this share of the limit once the spread is widened.
const MARGIN = 0.9;

/**
 * What feedback teaches the statistics: for each run labelled false_positive, every feature that was
 * at |z| ≥ 3 against its pipeline's baseline gets a wider spread on that pipeline, so the same value
 * is normal next time (at most ×MAX_TOLERANCE); never so wide that a run labelled true_positive on the
 * same pipeline stops alerting on that feature.
 */
export function feedbackTolerances(
  runs: readonly LabelledRun[],
  baselineOf: (pipelineId: string) => Baseline | null,
  features: readonly number[],
): Tolerances {
  const out: Tolerances = {};
  const zOf = (run: LabelledRun, f: number): number => {
    const b = baselineOf(run.pipeline_id);
    return b === null ? 0 : effectiveZ(statsAt(b, f, hourOfRow(run.features)), f, run.features[f]);
  };
  for (const run of runs) {
    if (run.label !== 'false_positive') continue;
    for (const f of features) {
      const z = zOf(run, f);
      if (z < Z_LIMIT) continue;
      const own = (out[run.pipeline_id] ??= {});
      const name = FEATURE_NAMES[f];
      own[name] = Math.max(own[name] ?? 1, Math.min(MAX_TOLERANCE, z / (Z_LIMIT * MARGIN)));
    }
  }
  for (const run of runs) {
    const own = out[run.pipeline_id];
    if (run.label !== 'true_positive' || own === undefined) continue;
    for (const f of features) {
      const name = FEATURE_NAMES[f];
      const tol = own[name];
      const z = zOf(run, f);
      if (tol === undefined || z < Z_LIMIT) continue;
      // Confirmed anomalies win: the feature that caught one keeps catching it.
      const cap = (z / Z_LIMIT) * 0.999;
      if (cap <= 1) delete own[name];
      else own[name] = Math.min(tol, cap);
    }
  }
  return out;
}

/**
 * What feedback teaches the forest: per pipeline, the raw hybrid score (see rawScore) a run must
 * exceed before the forest's verdict counts — just above its false alarms', never above a confirmed
 * anomaly's. Pipelines whose false alarms the forest did not raise get none.
 */
export function feedbackForestBars(
  runs: readonly LabelledRun[],
  rawOf: (run: LabelledRun) => number,
  threshold: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const run of runs) {
    const raw = rawOf(run);
    if (run.label === 'false_positive' && raw >= threshold)
      out[run.pipeline_id] = Math.max(out[run.pipeline_id] ?? -Infinity, raw + BAR_STEP);
  }
  for (const run of runs) {
    const bar = out[run.pipeline_id];
    const raw = rawOf(run);
    if (run.label !== 'true_positive' || bar === undefined || raw < threshold || raw >= bar) continue;
    if (raw - BAR_STEP <= threshold) delete out[run.pipeline_id];
    else out[run.pipeline_id] = raw - BAR_STEP;
  }
  return out;
}

// Raw scores differ by at least this much for the bar to separate them.
const BAR_STEP = 1e-6;

/** The stats with the pipeline's tolerance for the feature applied (unchanged without one). */
export function tolerated(
  s: FeatureStats | null,
  tolerances: Partial<Record<FeatureName, number>> | undefined,
  feature: number,
): FeatureStats | null {
  const scale = tolerances?.[FEATURE_NAMES[feature]];
  return s === null || scale === undefined ? s : { ...s, scale };
}
