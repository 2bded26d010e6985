import { checkBinaryInputs, checkProbabilities } from './check-inputs.js';

/** Mean squared difference between probabilities and 0/1 labels (lower is better). */
export function brierScore(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkBinaryInputs('brierScore', yTrue, scores);
  checkProbabilities('brierScore', scores);
  const n = yTrue.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = scores[i] - yTrue[i];
    sum += d * d;
  }
  return sum / n;
}
