import { binaryCurve, requireBothClasses } from './binary-curve.js';
import { choiceAt, type ThresholdChoice } from './threshold-choice.js';

/**
 * The score threshold (one of the observed scores) with the highest F1; among equal F1 the highest
 * threshold wins, as it raises fewer alerts.
 */
export function thresholdMaxF1(yTrue: ArrayLike<number>, scores: ArrayLike<number>): ThresholdChoice {
  const curve = binaryCurve('thresholdMaxF1', yTrue, scores);
  requireBothClasses('thresholdMaxF1', curve);
  let best = choiceAt(curve, 0);
  for (let k = 1; k < curve.thresholds.length; k++) {
    const c = choiceAt(curve, k);
    if (c.f1 > best.f1) best = c;
  }
  return best;
}
