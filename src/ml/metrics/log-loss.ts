import { checkBinaryInputs, checkProbabilities } from './check-inputs.js';

/**
 * Probabilities are clipped to [eps, 1 − eps] so a confident mistake costs a finite amount; float64
 * machine epsilon, as scikit-learn ≥ 1.2 (`eps='auto'`) does.
 */
export const LOG_LOSS_EPS = Number.EPSILON;

/** Mean binary cross-entropy of probabilities against 0/1 labels (natural log, clipped by LOG_LOSS_EPS). */
export function logLoss(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkBinaryInputs('logLoss', yTrue, scores);
  checkProbabilities('logLoss', scores);
  const n = yTrue.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.min(Math.max(scores[i], LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    sum -= yTrue[i] === 1 ? Math.log(p) : Math.log1p(-p);
  }
  return sum / n;
}
