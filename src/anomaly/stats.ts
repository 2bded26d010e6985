// |skewness| above this: the mean and std are pulled by the tail, so the robust z is used instead.
const SKEW_LIMIT = 1;

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
  /** Set when these stats are one time-of-day bucket of a seasonal baseline: "02:00–03:00 UTC". */
  window?: string;
  /** Multiplies the spread: feedback on false alarms widened this pipeline's normal range. */
  scale?: number;
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
  return {
    n,
    mean,
    std,
    median,
    mad,
    skewed: Math.abs(skew) > SKEW_LIMIT,
  };
}

/** The median of finite values (at least one). */
export function medianOf(values: readonly number[]): number {
  const s = Float64Array.from(values).sort();
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
