/** |z| at which a feature alone is anomalous. */
export const Z_LIMIT = 3;
/** The default decision threshold on the calibrated score. */
export const DEFAULT_THRESHOLD = 0.5;

/** Maps |z| onto [0, 1): exactly 0.5 at |z| = 3, so the statistics alone share the model's threshold. */
export function zEvidence(absZ: number): number {
  const z2 = absZ * absZ;
  return z2 / (z2 + Z_LIMIT * Z_LIMIT);
}

/** Where the raw hybrid score of training rows sat: its decision point and its middle. */
export interface Calibration {
  /** Raw score at the (1 − contamination) quantile of the training rows: maps to 0.5. */
  threshold: number;
  /** Median raw score of the training rows: maps to 0.1. */
  median: number;
  /** Median forest anomaly score of the training rows (for reasons). */
  forestMedian: number;
}

// logit(0.9): the median maps to 0.1, the threshold to 0.5.
const LN9 = Math.log(9);
// A spread of raw scores below this would make the calibrated score a step function.
const MIN_SPREAD = 0.01;

/** The hybrid's raw score: the forest's anomaly score and the strongest feature's evidence, averaged. */
export function rawScore(forestScore: number, maxAbsZ: number): number {
  return (forestScore + zEvidence(maxAbsZ)) / 2;
}

/** Calibrated score in (0, 1): 0.5 exactly at the training rows' contamination quantile. */
export function calibrate(raw: number, c: Calibration): number {
  const spread = Math.max(c.threshold - c.median, MIN_SPREAD);
  return 1 / (1 + Math.exp((-LN9 * (raw - c.threshold)) / spread));
}

/** The floor a firing rule puts under the score: 0.75 for one, 0.875 for two, … */
export function ruleFloor(firing: number): number {
  return firing === 0 ? 0 : 1 - 0.5 ** (firing + 1);
}

/** The q-quantile (0..1) of values with linear interpolation (values are not changed). */
export function quantile(values: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(values).sort();
  if (s.length === 0) return NaN;
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
