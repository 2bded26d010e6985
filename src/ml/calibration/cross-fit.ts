import { ValidationError } from '../../shared/index.js';
import type { Calibrator } from './calibrator.js';
import { IsotonicCalibrator } from './isotonic.js';
import { PlattCalibrator } from './platt.js';

export type CalibrationMethod = 'platt' | 'isotonic';

/** One fold's model and the calibrator fitted on the rows that model did not see. */
export interface CrossFitMember<M> {
  model: M;
  calibrator: Calibrator;
}

/**
 * The fold of each row for stratified k-fold without shuffling, as scikit-learn's StratifiedKFold
 * assigns them: the rows of each class, in their order, are cut into k contiguous runs whose sizes
 * follow the class's round-robin share of the sorted labels — sorted by order of first appearance (as
 * scikit-learn encodes the classes), so when row 0 is a 1 the ones come first.
 */
export function stratifiedFolds(labels: ArrayLike<number>, k: number): Int32Array {
  const n = labels.length;
  const positives = countPositives(labels);
  checkFolds(k, Math.min(positives, n - positives));
  const folds = new Int32Array(n);
  // Sorted labels: the class of row 0 first, then the other; fold i takes every k-th of them from i.
  const leading = n > 0 ? labels[0] : 0;
  for (const cls of [0, 1]) {
    const size = cls === 0 ? n - positives : positives;
    const first = cls === leading ? 0 : n - size;
    const share = new Int32Array(k);
    for (let i = 0; i < k; i++) share[i] = countInStride(first, size, i, k);
    let fold = 0;
    let used = 0;
    for (let r = 0; r < n; r++) {
      if (labels[r] !== cls) continue;
      while (used === share[fold]) {
        fold++;
        used = 0;
      }
      folds[r] = fold;
      used++;
    }
  }
  return folds;
}

/**
 * Cross-fitted calibration (scikit-learn's CalibratedClassifierCV with `cv=k`, `ensemble=True`):
 * for each of k stratified folds, fits a model on the other folds and a calibrator on the raw
 * scores it gives the held-out fold. Predict with `averageCalibrated`.
 */
export function crossFitCalibrated<M>(
  labels: ArrayLike<number>,
  options: { folds: number; method: CalibrationMethod },
  fit: (trainRows: Int32Array) => M,
  rawScores: (model: M, rows: Int32Array) => Float64Array,
): CrossFitMember<M>[] {
  const folds = stratifiedFolds(labels, options.folds);
  const members: CrossFitMember<M>[] = [];
  for (let f = 0; f < options.folds; f++) {
    const held = rowsWhere(folds, (v) => v === f);
    const model = fit(rowsWhere(folds, (v) => v !== f));
    const heldLabels = Float64Array.from(held, (r) => labels[r]);
    const scores = rawScores(model, held);
    const calibrator =
      options.method === 'platt'
        ? PlattCalibrator.fit(scores, heldLabels)
        : IsotonicCalibrator.fit(scores, heldLabels);
    members.push({ model, calibrator });
  }
  return members;
}

/** The mean calibrated probability over the members, given each member's raw scores of the rows. */
export function averageCalibrated<M>(
  members: readonly CrossFitMember<M>[],
  rawOf: (model: M) => Float64Array,
): Float64Array {
  let sum: Float64Array | null = null;
  for (const { model, calibrator } of members) {
    const p = calibrator.transform(rawOf(model));
    if (sum === null) sum = p;
    else for (let i = 0; i < p.length; i++) sum[i] += p[i];
  }
  if (sum === null) throw new ValidationError('members', 'averageCalibrated: no members');
  for (let i = 0; i < sum.length; i++) sum[i] /= members.length;
  return sum;
}

function countPositives(labels: ArrayLike<number>): number {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new ValidationError('y', `label at index ${i} must be 0 or 1, got ${y}`);
    positives += y;
  }
  return positives;
}

function checkFolds(k: number, smallestClass: number): void {
  if (!Number.isInteger(k) || k < 2)
    throw new ValidationError('folds', `folds must be an integer ≥ 2, got ${k}`);
  if (smallestClass < k) {
    throw new ValidationError(
      'folds',
      `${k} folds need at least ${k} rows of each class, the smaller has ${smallestClass}`,
    );
  }
}

/** How many of the positions first … first+size−1 are ≡ i (mod k). */
function countInStride(first: number, size: number, i: number, k: number): number {
  const offset = (((i - first) % k) + k) % k;
  return offset >= size ? 0 : Math.floor((size - 1 - offset) / k) + 1;
}

function rowsWhere(folds: Int32Array, keep: (fold: number) => boolean): Int32Array {
  const out: number[] = [];
  for (let r = 0; r < folds.length; r++) if (keep(folds[r])) out.push(r);
  return Int32Array.from(out);
}
