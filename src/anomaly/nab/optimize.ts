import type { RowLayout } from './layout.js';
import type { CostProfile } from './types.js';

/** A file's layout with the detector's per-row scores. */
export interface LaidOutScores {
  readonly layout: RowLayout;
  readonly scores: ArrayLike<number>;
}

/** The best threshold for a profile over a set of files, and the raw total it reaches. */
export interface ThresholdChoice {
  readonly threshold: number;
  readonly raw: number;
}

/**
 * Exact threshold search: the total raw score over all `files` is evaluated at every distinct score
 * (and above the largest, where nothing is detected), and the best one is returned; ties go to the
 * higher threshold. Sorting once and adding rows in descending score order makes it O(n log n).
 */
export function optimizeThreshold(files: readonly LaidOutScores[], profile: CostProfile): ThresholdChoice {
  const { score, window, weight, windows } = gatherScoredRows(files);
  const order = Array.from({ length: score.length }, (_, k) => k).sort((a, b) => score[b] - score[a]);
  const best = new Float64Array(windows).fill(-profile.fnWeight);
  let total = -profile.fnWeight * windows;
  let choice: ThresholdChoice = { threshold: above(score.length > 0 ? score[order[0]] : 1), raw: total };
  for (let k = 0; k < order.length; k++) {
    const row = order[k];
    const w = window[row];
    if (w >= 0) {
      const gain = weight[row] * profile.tpWeight;
      if (gain > best[w]) {
        total += gain - best[w];
        best[w] = gain;
      }
    } else total += weight[row] * profile.fpWeight;
    // A threshold admits all rows with an equal score at once: evaluate only at the end of a run.
    const last = k === order.length - 1 || score[order[k + 1]] !== score[row];
    if (last && total > choice.raw) choice = { threshold: score[row], raw: total };
  }
  return choice;
}

// All scored rows (past probation) of all files, with window ids made unique across files.
function gatherScoredRows(files: readonly LaidOutScores[]): {
  score: Float64Array;
  window: Int32Array;
  weight: Float64Array;
  windows: number;
} {
  let count = 0;
  for (const f of files) count += f.layout.rows - f.layout.probation;
  const score = new Float64Array(count);
  const window = new Int32Array(count);
  const weight = new Float64Array(count);
  let at = 0;
  let windows = 0;
  for (const { layout, scores } of files) {
    for (let i = layout.probation; i < layout.rows; i++, at++) {
      score[at] = scores[i];
      window[at] = layout.window[i] < 0 ? -1 : layout.window[i] + windows;
      weight[at] = layout.weight[i];
    }
    windows += layout.windows;
  }
  return { score, window, weight, windows };
}

// The smallest double above `x`: a threshold that detects nothing.
function above(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const bits = new Float64Array([x]);
  const view = new BigInt64Array(bits.buffer);
  view[0] += x > 0 ? 1n : -1n;
  return bits[0];
}
