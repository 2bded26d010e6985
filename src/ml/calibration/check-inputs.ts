import { ValidationError } from '../../shared/index.js';

/**
 * Asserts calibration inputs: equally long, non-empty, finite scores and targets, targets 0/1 when
 * `binary`, weights (if any) finite, ≥ 0 and not all zero.
 */
export function checkCalibrationInputs(
  who: string,
  scores: ArrayLike<number>,
  targets: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
  binary: boolean,
): void {
  const n = scores.length;
  if (n === 0) throw new ValidationError('scores', `${who}: needs at least one score`);
  if (targets.length !== n)
    throw new ValidationError('y', `${who}: ${n} scores but ${targets.length} targets`);
  if (weights && weights.length !== n) {
    throw new ValidationError('sample_weight', `${who}: ${n} scores but ${weights.length} weights`);
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(scores[i]))
      throw new ValidationError('scores', `${who}: score at index ${i} is not finite`);
    const t = targets[i];
    if (binary ? t !== 0 && t !== 1 : !Number.isFinite(t)) {
      throw new ValidationError(
        'y',
        `${who}: target at index ${i} must be ${binary ? '0 or 1' : 'finite'}, got ${t}`,
      );
    }
    if (weights) {
      if (!(weights[i] >= 0 && Number.isFinite(weights[i]))) {
        throw new ValidationError('sample_weight', `${who}: weight at index ${i} must be finite and ≥ 0`);
      }
      total += weights[i];
    }
  }
  if (weights && !(total > 0)) throw new ValidationError('sample_weight', `${who}: weights sum to 0`);
}
