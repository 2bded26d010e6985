import type { Calibrator } from './calibrator.js';
import { checkCalibrationInputs } from './check-inputs.js';

/**
 * Isotonic (non-decreasing) regression as scikit-learn's `IsotonicRegression(out_of_bounds='clip')`:
 * equal scores are merged into their weighted mean target, pool-adjacent-violators fits the
 * steps, and predictions interpolate linearly between the kept breakpoints, clipped to the ends.
 */
export class IsotonicCalibrator implements Calibrator {
  private constructor(
    /** Increasing scores at which the fitted function changes slope. */
    readonly xThresholds: Float64Array,
    /** Fitted value at each threshold, non-decreasing. */
    readonly yThresholds: Float64Array,
  ) {}

  /** Rebuilds a calibrator from breakpoints already checked to be increasing / non-decreasing. */
  static fromThresholds(xThresholds: Float64Array, yThresholds: Float64Array): IsotonicCalibrator {
    return new IsotonicCalibrator(xThresholds, yThresholds);
  }

  /** Fits on held-out scores and targets (0/1 labels or any finite values), optionally weighted. */
  static fit(
    scores: ArrayLike<number>,
    targets: ArrayLike<number>,
    weights?: ArrayLike<number>,
  ): IsotonicCalibrator {
    checkCalibrationInputs('IsotonicCalibrator', scores, targets, weights, false);
    const { x, y, w } = mergeTies(scores, targets, weights);
    poolAdjacentViolators(y, w);
    return new IsotonicCalibrator(...keepBreakpoints(x, y));
  }

  /** Fitted values of `scores`; scores outside the fitted range take the nearest end's value. */
  transform(scores: ArrayLike<number>, out: Float64Array = new Float64Array(scores.length)): Float64Array {
    const xs = this.xThresholds;
    const ys = this.yThresholds;
    const last = xs.length - 1;
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i];
      if (!(s > xs[0])) out[i] = ys[0];
      else if (s >= xs[last]) out[i] = ys[last];
      else {
        // Binary search for the segment [xs[lo], xs[lo + 1]) holding s.
        let lo = 0;
        let hi = last;
        while (hi - lo > 1) {
          const mid = (lo + hi) >>> 1;
          if (xs[mid] <= s) lo = mid;
          else hi = mid;
        }
        out[i] = ys[lo] + ((s - xs[lo]) / (xs[hi] - xs[lo])) * (ys[hi] - ys[lo]);
      }
    }
    return out;
  }
}

/** Sorts by score and merges equal scores into one point: weighted mean target, summed weight. */
function mergeTies(
  scores: ArrayLike<number>,
  targets: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
): { x: Float64Array; y: Float64Array; w: Float64Array } {
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => scores[i] - scores[j]);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const w = new Float64Array(n);
  let m = -1;
  for (const i of order) {
    const wi = weights ? weights[i] : 1;
    if (m < 0 || scores[i] !== x[m]) {
      m++;
      x[m] = scores[i];
    }
    y[m] += wi * targets[i];
    w[m] += wi;
  }
  const count = m + 1;
  for (let k = 0; k < count; k++) y[k] = w[k] > 0 ? y[k] / w[k] : 0;
  return { x: x.subarray(0, count), y: y.subarray(0, count), w: w.subarray(0, count) };
}

/** Replaces y (in place) by its weighted least-squares non-decreasing fit. */
function poolAdjacentViolators(y: Float64Array, w: Float64Array): void {
  const n = y.length;
  // Blocks on a stack: mean value, total weight and the index where each block ends.
  const value = new Float64Array(n);
  const weight = new Float64Array(n);
  const end = new Int32Array(n);
  let top = -1;
  for (let i = 0; i < n; i++) {
    top++;
    value[top] = y[i];
    weight[top] = w[i];
    end[top] = i;
    while (top > 0 && value[top - 1] >= value[top]) {
      const total = weight[top - 1] + weight[top];
      if (total > 0) value[top - 1] = (value[top - 1] * weight[top - 1] + value[top] * weight[top]) / total;
      weight[top - 1] = total;
      end[top - 1] = end[top];
      top--;
    }
  }
  for (let b = 0, start = 0; b <= top; b++) {
    for (let i = start; i <= end[b]; i++) y[i] = value[b];
    start = end[b] + 1;
  }
}

/** Drops points inside flat runs, which interpolation does not need (scikit-learn keeps the same). */
function keepBreakpoints(x: Float64Array, y: Float64Array): [Float64Array, Float64Array] {
  const n = x.length;
  const keptX: number[] = [];
  const keptY: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i === 0 || i === n - 1 || y[i] !== y[i - 1] || y[i] !== y[i + 1]) {
      keptX.push(x[i]);
      keptY.push(y[i]);
    }
  }
  return [Float64Array.from(keptX), Float64Array.from(keptY)];
}
