import { ValidationError } from '../../shared/index.js';

/**
 * Asserts that `yTrue` holds only 0/1 labels and `scores` finite numbers of the same, non-zero
 * length; throws ValidationError naming the metric and the offending position.
 */
export function checkBinaryInputs(metric: string, yTrue: ArrayLike<number>, scores: ArrayLike<number>): void {
  const n = yTrue.length;
  if (scores.length !== n) {
    throw new ValidationError('scores', `${metric}: ${n} labels but ${scores.length} scores`);
  }
  if (n === 0) throw new ValidationError('y_true', `${metric}: needs at least one sample`);
  for (let i = 0; i < n; i++) {
    const y = yTrue[i];
    if (y !== 0 && y !== 1) {
      throw new ValidationError('y_true', `${metric}: labels must be 0 or 1, got ${y} at index ${i}`);
    }
    if (!Number.isFinite(scores[i])) {
      throw new ValidationError('scores', `${metric}: score at index ${i} is not finite (${scores[i]})`);
    }
  }
}

/** Asserts every probability lies in [0, 1]; throws ValidationError naming the metric. */
export function checkProbabilities(metric: string, probs: ArrayLike<number>): void {
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    if (!(p >= 0 && p <= 1)) {
      throw new ValidationError(
        'scores',
        `${metric}: probabilities must lie in [0, 1], got ${p} at index ${i}`,
      );
    }
  }
}
