import {
  MAD_TO_SIGMA,
  meanOf,
  medianAbsoluteDeviation,
  medianSorted,
  quantileSorted,
  sortedCopy,
} from './robust.js';
import type { LatencySignal, SignalRule, ThroughputSignal } from './types.js';

/** Fewest values a signal needs (the original's rule needed 5 records). */
export const MIN_SIGNAL_SAMPLES = 5;
/** The original rule looks at this many most recent values. */
export const LAST_N = 5;
/** Share of a series that counts as "recent" once the series is long enough to split. */
export const RECENT_SHARE = 1 / 6;
/** How many robust standard deviations (1.4826 · MAD) a recent value must move to count. */
export const ROBUST_Z = 3;
/** A latency spike also needs recent p95 ≥ this × baseline median (so a flat baseline's MAD of 0 is not enough). */
export const SPIKE_MIN_RATIO = 1.5;
/** A throughput drop also needs the recent median ≤ this × baseline median. */
export const DROP_MAX_RATIO = 0.7;

/** Scratch buffers a caller owns, each at least as long as the series. */
export interface SignalScratch {
  a: Float64Array;
  b: Float64Array;
}

/**
 * Splits a time-ordered series of n values into recent and baseline parts. Below 2 · 5 values the
 * recent part is the last 5 and the baseline is the whole series; above, recent is the last
 * max(5, n/6) values (about the last 10 minutes of a 60 minute window) and the baseline the rest.
 */
export function splitSeries(n: number): { recentFrom: number; baselineTo: number } {
  if (n < 2 * MIN_SIGNAL_SAMPLES) return { recentFrom: Math.max(0, n - LAST_N), baselineTo: n };
  const recent = Math.max(MIN_SIGNAL_SAMPLES, Math.round(n * RECENT_SHARE));
  return { recentFrom: n - recent, baselineTo: n - recent };
}

interface Baseline {
  median: number;
  mad: number;
}

function baselineOf(values: Float64Array, to: number, scratch: SignalScratch): Baseline {
  const n = sortedCopy(values, 0, to, scratch.a);
  const median = medianSorted(scratch.a, n);
  return { median, mad: medianAbsoluteDeviation(values, 0, to, median, scratch.b) };
}

const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * Latency spike over a time-ordered series: the original rule (one of the last 5 above twice the
 * window mean) or the robust one (recent p95 more than 3 robust sd and 1.5× above the baseline median).
 */
export function latencySignal(values: Float64Array, n: number, scratch: SignalScratch): LatencySignal {
  if (n === 0) return emptyLatency;
  const mean = meanOf(values, 0, n);
  let last5Max = -Infinity;
  for (let i = Math.max(0, n - LAST_N); i < n; i++) last5Max = Math.max(last5Max, values[i]);
  const { recentFrom, baselineTo } = splitSeries(n);
  const base = baselineOf(values, baselineTo, scratch);
  const recentN = sortedCopy(values, recentFrom, n, scratch.a);
  const p95 = quantileSorted(scratch.a, 0.95, recentN);
  const spread = MAD_TO_SIGMA * base.mad;
  const detected: SignalRule[] = [];
  if (n >= MIN_SIGNAL_SAMPLES) {
    if (last5Max > 2 * mean) detected.push('window_mean');
    // A baseline median of 0 means latency was not reported (flat records send 0), not that it was instant.
    const robust =
      base.median > 0 && p95 > base.median + ROBUST_Z * spread && p95 >= SPIKE_MIN_RATIO * base.median;
    if (robust) detected.push('robust');
  }
  return {
    samples: n,
    window_mean_ms: mean,
    last5_max_ms: last5Max,
    recent_p95_ms: p95,
    baseline_median_ms: base.median,
    baseline_mad_ms: base.mad,
    robust_z: spread > 0 ? orNull((p95 - base.median) / spread) : null,
    detected_by: detected,
  };
}

/**
 * Throughput drop over a time-ordered series: the original rule (one of the last 5 below half the
 * window mean) or the robust one (recent median more than 3 robust sd and 30% below the baseline median).
 */
export function throughputSignal(values: Float64Array, n: number, scratch: SignalScratch): ThroughputSignal {
  if (n === 0) return emptyThroughput;
  const mean = meanOf(values, 0, n);
  let last5Min = Infinity;
  for (let i = Math.max(0, n - LAST_N); i < n; i++) last5Min = Math.min(last5Min, values[i]);
  const { recentFrom, baselineTo } = splitSeries(n);
  const base = baselineOf(values, baselineTo, scratch);
  const recentN = sortedCopy(values, recentFrom, n, scratch.a);
  const recentMedian = medianSorted(scratch.a, recentN);
  const spread = MAD_TO_SIGMA * base.mad;
  const detected: SignalRule[] = [];
  if (n >= MIN_SIGNAL_SAMPLES) {
    if (last5Min < 0.5 * mean) detected.push('window_mean');
    if (recentMedian < base.median - ROBUST_Z * spread && recentMedian <= DROP_MAX_RATIO * base.median)
      detected.push('robust');
  }
  return {
    samples: n,
    window_mean_per_minute: mean,
    last5_min_per_minute: last5Min,
    recent_median_per_minute: recentMedian,
    baseline_median_per_minute: base.median,
    baseline_mad_per_minute: base.mad,
    change_percent: base.median > 0 ? ((recentMedian - base.median) / base.median) * 100 : null,
    detected_by: detected,
  };
}

const emptyLatency: LatencySignal = {
  samples: 0,
  window_mean_ms: null,
  last5_max_ms: null,
  recent_p95_ms: null,
  baseline_median_ms: null,
  baseline_mad_ms: null,
  robust_z: null,
  detected_by: [],
};

const emptyThroughput: ThroughputSignal = {
  samples: 0,
  window_mean_per_minute: null,
  last5_min_per_minute: null,
  recent_median_per_minute: null,
  baseline_median_per_minute: null,
  baseline_mad_per_minute: null,
  change_percent: null,
  detected_by: [],
};
