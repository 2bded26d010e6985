import { ValidationError } from '../../shared/index.js';
import { binaryCurve, requireBothClasses } from './binary-curve.js';
import { choiceAt, type ThresholdChoice } from './threshold-choice.js';

/**
 * The smallest observed-score threshold whose precision reaches `target` (so recall is as high as
 * that precision allows), or undefined when no threshold reaches it.
 */
export function thresholdForPrecision(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
  target: number,
): ThresholdChoice | undefined {
  if (!(target > 0 && target <= 1)) {
    throw new ValidationError('target', `thresholdForPrecision: target must lie in (0, 1], got ${target}`);
  }
  const curve = binaryCurve('thresholdForPrecision', yTrue, scores);
  requireBothClasses('thresholdForPrecision', curve);
  const { tp, fp } = curve;
  for (let k = tp.length - 1; k >= 0; k--) {
    if (tp[k] / (tp[k] + fp[k]) >= target) return choiceAt(curve, k);
  }
  return undefined;
}
