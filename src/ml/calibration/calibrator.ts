/** Maps raw scores to calibrated probabilities. */
export interface Calibrator {
  /** Calibrated probability of each score, written into `out` (allocated when not given). */
  transform(scores: ArrayLike<number>, out?: Float64Array): Float64Array;
}
