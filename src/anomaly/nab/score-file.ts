import type { RowLayout } from './layout.js';
import type { CostProfile } from './types.js';

/** A file's raw score and row counts at one threshold. */
export interface FileOutcome {
  readonly score: number;
  readonly tp: number;
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
}

/**
 * Scores one file at `threshold` (a detection is a row with score ≥ threshold): every window starts
 * at −fnWeight, a detected window is worth the weight of its earliest detection, each detection
 * outside the windows adds its false-alarm weight. Rows in the probationary period are skipped.
 */
export function scoreFile(
  layout: RowLayout,
  scores: ArrayLike<number>,
  threshold: number,
  profile: CostProfile,
): FileOutcome {
  const best = new Float64Array(layout.windows).fill(-profile.fnWeight);
  let falseAlarms = 0;
  let tp = 0;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  for (let i = layout.probation; i < layout.rows; i++) {
    const w = layout.window[i];
    const detected = scores[i] >= threshold;
    if (w >= 0) {
      if (detected) {
        tp++;
        best[w] = Math.max(best[w], layout.weight[i] * profile.tpWeight);
      } else fn++;
    } else if (detected) {
      fp++;
      falseAlarms += layout.weight[i] * profile.fpWeight;
    } else tn++;
  }
  let score = falseAlarms;
  for (let w = 0; w < best.length; w++) score += best[w];
  return { score, tp, tn, fp, fn };
}
