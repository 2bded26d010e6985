import { ValidationError } from '../../shared/index.js';
import type { Matrix } from '../matrix.js';

/** Asserts `data.length === rows * cols` and cols ≥ 1, so loops can index without further checks. */
export function assertMatrix(x: Matrix, field: string): void {
  if (!Number.isInteger(x.rows) || !Number.isInteger(x.cols) || x.rows < 0 || x.cols < 1) {
    throw new ValidationError(field, `${field}: rows and cols must be whole numbers (cols ≥ 1)`);
  }
  if (x.data.length !== x.rows * x.cols) {
    throw new ValidationError(
      field,
      `${field}: data has ${x.data.length} values, expected rows × cols = ${x.rows * x.cols}`,
    );
  }
}
