import { ValidationError } from '../../shared/index.js';
import { checkBinaryInputs, checkProbabilities } from './check-inputs.js';

/** Default number of equal-width probability bins for expectedCalibrationError. */
export const ECE_DEFAULT_BINS = 10;

/**
 * Expected calibration error over `bins` equal-width bins of [0, 1] (default 10; p = 1 falls in the
 * last bin): Σ_b (n_b / n) · |mean label_b − mean probability_b|.
 */
export function expectedCalibrationError(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
  bins: number = ECE_DEFAULT_BINS,
): number {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new ValidationError(
      'bins',
      `expectedCalibrationError: bins must be a whole number ≥ 1, got ${bins}`,
    );
  }
  checkBinaryInputs('expectedCalibrationError', yTrue, scores);
  checkProbabilities('expectedCalibrationError', scores);
  const count = new Float64Array(bins);
  const sumLabel = new Float64Array(bins);
  const sumProb = new Float64Array(bins);
  const n = yTrue.length;
  for (let i = 0; i < n; i++) {
    const b = Math.min(Math.floor(scores[i] * bins), bins - 1);
    count[b]++;
    sumLabel[b] += yTrue[i];
    sumProb[b] += scores[i];
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b] > 0) ece += Math.abs(sumLabel[b] - sumProb[b]) / n;
  }
  return ece;
}
