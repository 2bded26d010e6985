import { ValidationError } from '../shared/index.js';

/** A dense row-major table of numbers: value (r, c) sits at data[r * cols + c]. */
export interface Matrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** Wraps row-major data as a Matrix after checking the shape adds up. */
export function createMatrix(data: Float64Array, rows: number, cols: number): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new ValidationError('matrix', `matrix shape must be whole numbers ≥ 0, got ${rows}×${cols}`);
  }
  if (data.length !== rows * cols) {
    throw new ValidationError(
      'matrix',
      `matrix ${rows}×${cols} needs ${rows * cols} values, got ${data.length}`,
    );
  }
  return { data, rows, cols };
}

/** Copies equally long rows into a Matrix (for tests and small inputs). */
export function matrixFromRows(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows.length === 0 ? 0 : rows[0].length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, r) => {
    if (row.length !== cols) {
      throw new ValidationError('matrix', `row ${r} has ${row.length} values, row 0 has ${cols}`);
    }
    data.set(row, r * cols);
  });
  return { data, rows: rows.length, cols };
}

/** Interleaves columns of `rows` values each into a row-major Matrix. */
export function matrixFromColumns(columns: readonly Float64Array[], rows: number): Matrix {
  const cols = columns.length;
  const data = new Float64Array(rows * cols);
  for (let c = 0; c < cols; c++) {
    const column = columns[c];
    if (column.length !== rows) {
      throw new ValidationError('matrix', `column ${c} has ${column.length} values, column 0 has ${rows}`);
    }
    for (let r = 0; r < rows; r++) data[r * cols + c] = column[r];
  }
  return { data, rows, cols };
}
