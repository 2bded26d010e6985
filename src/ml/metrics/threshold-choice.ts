import type { BinaryCurve } from './binary-curve.js';

/** An operating point: predict positive when score ≥ threshold, and what that yields. */
export interface ThresholdChoice {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
}

/** The operating point at step k of a binary curve (the curve must hold at least one positive). */
export function choiceAt(curve: BinaryCurve, k: number): ThresholdChoice {
  const tp = curve.tp[k];
  const precision = tp / (tp + curve.fp[k]);
  const recall = tp / curve.positives;
  const f1 = tp === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { threshold: curve.thresholds[k], precision, recall, f1 };
}
