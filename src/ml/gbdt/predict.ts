import { ValidationError } from '../../shared/index.js';
import type { Matrix } from '../matrix.js';
import { assertMatrix } from './matrix.js';
import type { GbdtModel } from './model.js';
import { leafOf } from './tree.js';

/** Checks that `x` has the model's columns and `out` room for one value per row. */
export function assertPredictInput(model: GbdtModel, x: Matrix, out: Float64Array, perRow: number): void {
  assertMatrix(x, 'x');
  if (x.cols !== model.numFeatures) {
    throw new ValidationError('x', `x has ${x.cols} columns, the model was trained on ${model.numFeatures}`);
  }
  if (out.length < x.rows * perRow) {
    throw new ValidationError('out', `out holds ${out.length} values, needs ${x.rows * perRow}`);
  }
}

/** Writes each row's raw score (log-odds for binary, the value for regression) into `out`. */
export function predictRaw(model: GbdtModel, x: Matrix, out: Float64Array): void {
  assertPredictInput(model, x, out, 1);
  const { data, rows, cols } = x;
  out.fill(model.baseScore, 0, rows);
  for (const tree of model.trees) {
    const value = tree.leafValue;
    for (let r = 0; r < rows; r++) out[r] += value[leafOf(tree, data, r * cols)];
  }
}

/** Writes each row's prediction into `out`: P(label = 1) for binary, the value for regression. */
export function predict(model: GbdtModel, x: Matrix, out: Float64Array): void {
  predictRaw(model, x, out);
  if (model.params.objective !== 'binary') return;
  for (let r = 0; r < x.rows; r++) out[r] = 1 / (1 + Math.exp(-out[r]));
}
