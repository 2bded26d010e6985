import { checkBinaryInputs } from './check-inputs.js';

/** Counts of a binary decision against 0/1 labels. */
export interface ConfusionMatrix {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** Confusion counts when a score ≥ `threshold` is predicted positive. */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
): ConfusionMatrix {
  checkBinaryInputs('confusionMatrix', yTrue, scores);
  const m: ConfusionMatrix = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < yTrue.length; i++) {
    const predicted = scores[i] >= threshold;
    if (yTrue[i] === 1) {
      if (predicted) m.tp++;
      else m.fn++;
    } else if (predicted) m.fp++;
    else m.tn++;
  }
  return m;
}
