import { binaryCurve, requireBothClasses } from './binary-curve.js';

/**
 * Average precision as scikit-learn defines it: Σ (R_k − R_{k−1}) · P_k over distinct score
 * thresholds, highest first — a step function, no interpolation.
 */
export function averagePrecision(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  const curve = binaryCurve('averagePrecision', yTrue, scores);
  requireBothClasses('averagePrecision', curve);
  const { tp, fp, positives } = curve;
  let sum = 0;
  let tpPrev = 0;
  for (let k = 0; k < tp.length; k++) {
    if (tp[k] !== tpPrev) sum += ((tp[k] - tpPrev) * tp[k]) / (tp[k] + fp[k]);
    tpPrev = tp[k];
  }
  return sum / positives;
}
