import { SeededRng } from '../../src/shared/index.js';
import { createMatrix, type Matrix } from '../../src/ml/matrix.js';

/** A labelled test set: a Gaussian cloud (label 0) and a few far points (label 1). */
export interface CloudWithOutliers {
  x: Matrix;
  y: Float64Array;
}

/** `inliers` standard-normal rows plus `outliers` rows placed 6–8 units out, in `cols` dimensions. */
export function cloudWithOutliers(
  inliers: number,
  outliers: number,
  cols: number,
  seed = 1,
): CloudWithOutliers {
  const rng = new SeededRng(seed);
  const rows = inliers + outliers;
  const data = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const far = r >= inliers;
    y[r] = far ? 1 : 0;
    for (let c = 0; c < cols; c++) {
      data[r * cols + c] = far ? (rng.next() < 0.5 ? -1 : 1) * (6 + 2 * rng.next()) : rng.normal();
    }
  }
  return { x: createMatrix(data, rows, cols), y };
}
