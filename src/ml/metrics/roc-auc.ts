import { binaryCurve, requireBothClasses } from './binary-curve.js';

/**
 * Area under the ROC curve, exact under ties: the Mann-Whitney U statistic with average ranks
 * (a tied positive/negative pair counts one half), divided by positives × negatives.
 */
export function rocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  const curve = binaryCurve('rocAuc', yTrue, scores);
  requireBothClasses('rocAuc', curve);
  const { tp, fp } = curve;
  // Each negative scores below every positive of a higher step and ties with those of its own step.
  // Counting in halves keeps the sum an exact integer until the final division.
  let twiceU = 0;
  let tpPrev = 0;
  let fpPrev = 0;
  for (let k = 0; k < tp.length; k++) {
    const posHere = tp[k] - tpPrev;
    const negHere = fp[k] - fpPrev;
    twiceU += negHere * (2 * tpPrev + posHere);
    tpPrev = tp[k];
    fpPrev = fp[k];
  }
  return twiceU / (2 * curve.positives * curve.negatives);
}
