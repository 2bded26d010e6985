import { ValidationError } from '../../shared/index.js';
import type { Matrix } from '../matrix.js';

/** Asserts a matrix has `cols` columns (when given), at least one row and only finite values. */
export function checkFiniteMatrix(x: Matrix, cols?: number): void {
  if (cols !== undefined && x.cols !== cols) {
    throw new ValidationError('x', `the model was fitted on ${cols} features, got ${x.cols}`);
  }
  if (x.cols < 1) throw new ValidationError('x', 'needs at least one feature column');
  if (x.data.length !== x.rows * x.cols) {
    throw new ValidationError('x', `matrix ${x.rows}×${x.cols} holds ${x.data.length} values`);
  }
  const { data } = x;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const r = Math.floor(i / x.cols);
      throw new ValidationError(
        'x',
        `value at row ${r}, column ${i - r * x.cols} is not finite (${data[i]})`,
      );
    }
  }
}

/** Asserts a caller-owned output buffer has one slot per row. */
export function checkOutput(out: ArrayLike<number>, rows: number): void {
  if (out.length !== rows)
    throw new ValidationError('out', `output buffer holds ${out.length} values for ${rows} rows`);
}
