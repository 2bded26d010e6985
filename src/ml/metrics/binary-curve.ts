import { ValidationError } from '../../shared/index.js';
import { checkBinaryInputs } from './check-inputs.js';

/**
 * Counts at every distinct score, highest first: predicting "positive" for score ≥ thresholds[i]
 * yields tp[i] true and fp[i] false positives (cumulative, exact integers).
 */
export interface BinaryCurve {
  thresholds: Float64Array;
  tp: Float64Array;
  fp: Float64Array;
  positives: number;
  negatives: number;
}

/**
 * Builds the cumulative confusion counts over distinct score thresholds (like scikit-learn's
 * `_binary_clf_curve`). Tied scores form one step, which is what makes every metric on top of it
 * exact under ties.
 */
export function binaryCurve(
  metric: string,
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
): BinaryCurve {
  checkBinaryInputs(metric, yTrue, scores);
  const n = yTrue.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += yTrue[i];
  const pos = new Float64Array(positives);
  const neg = new Float64Array(n - positives);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (yTrue[i] === 1) pos[p++] = scores[i];
    else neg[q++] = scores[i];
  }
  // Typed-array sort is numeric and native: two sorted halves merged from the top avoid an index sort.
  pos.sort();
  neg.sort();
  const thresholds = new Float64Array(n);
  const tp = new Float64Array(n);
  const fp = new Float64Array(n);
  let i = pos.length - 1;
  let j = neg.length - 1;
  let steps = 0;
  let tpSoFar = 0;
  let fpSoFar = 0;
  while (i >= 0 || j >= 0) {
    const t = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
    while (i >= 0 && pos[i] === t) {
      tpSoFar++;
      i--;
    }
    while (j >= 0 && neg[j] === t) {
      fpSoFar++;
      j--;
    }
    thresholds[steps] = t;
    tp[steps] = tpSoFar;
    fp[steps] = fpSoFar;
    steps++;
  }
  return {
    thresholds: thresholds.subarray(0, steps),
    tp: tp.subarray(0, steps),
    fp: fp.subarray(0, steps),
    positives,
    negatives: n - positives,
  };
}

/** Asserts both classes are present, which ranking metrics need to be defined. */
export function requireBothClasses(metric: string, curve: BinaryCurve): void {
  if (curve.positives === 0 || curve.negatives === 0) {
    throw new ValidationError(
      'y_true',
      `${metric}: needs both classes, got ${curve.positives} positives and ${curve.negatives} negatives`,
    );
  }
}
