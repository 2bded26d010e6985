import { ValidationError } from '../../shared/index.js';
import { binaryCurve } from './binary-curve.js';

/**
 * Share of positives among the k highest scores. When a group of tied scores straddles rank k, it
 * contributes its positive share pro rata — the expected value under random tie-breaking — so the
 * answer never depends on input order.
 */
export function precisionAtK(yTrue: ArrayLike<number>, scores: ArrayLike<number>, k: number): number {
  const n = yTrue.length;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new ValidationError('k', `precisionAtK: k must be a whole number in [1, ${n}], got ${k}`);
  }
  const { tp, fp } = binaryCurve('precisionAtK', yTrue, scores);
  let tpPrev = 0;
  let countPrev = 0;
  for (let s = 0; s < tp.length; s++) {
    const count = tp[s] + fp[s];
    if (count >= k) {
      const share = (k - countPrev) / (count - countPrev);
      return (tpPrev + share * (tp[s] - tpPrev)) / k;
    }
    tpPrev = tp[s];
    countPrev = count;
  }
  // Unreachable: the last step counts all n ≥ k samples.
  return tpPrev / k;
}
