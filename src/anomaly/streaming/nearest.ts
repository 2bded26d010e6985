/** How to compare the latest stretch of a history with earlier ones. */
export interface ShapeQuery {
  /** Points in a shape. */
  readonly length: number;
  /** Spacing between a shape's points (1 = consecutive values). */
  readonly stride: number;
  /** Smallest lag tried, so the shape is not matched with (almost) itself. */
  readonly minLag: number;
  /** Lag step: coarse shapes change slowly, so every `lagStep`-th lag is enough. */
  readonly lagStep: number;
}

/**
 * Nearest-neighbour search of the latest shape among earlier ones. It remembers the best lag: the
 * continuation of the last match is usually still close, and starting from its distance lets the
 * scan abandon most other lags after a point or two. The result is the same as a plain scan.
 */
export class NearestShape {
  private lastLag = -1;

  constructor(readonly query: ShapeQuery) {}

  /**
   * Root-mean-square distance from the latest shape in `data` (ending at index `latest`, older
   * values at lower indices) to its nearest earlier shape among the `size` values held; Infinity
   * when no earlier shape fits.
   */
  distance(data: Float64Array, latest: number, size: number): number {
    const { length, stride, minLag, lagStep } = this.query;
    const span = (length - 1) * stride;
    const maxLag = size - 1 - span;
    let best = Infinity;
    let bestLag = -1;
    if (this.lastLag >= minLag && this.lastLag <= maxLag) {
      best = shapeGap(data, latest, this.lastLag, span, stride, Infinity);
      bestLag = this.lastLag;
    }
    // An exact repeat (distance 0) cannot be beaten, and a plain scan would keep the first one found.
    for (let lag = minLag; lag <= maxLag && best > 0; lag += lagStep) {
      const gap = shapeGap(data, latest, lag, span, stride, best);
      if (gap < best) {
        best = gap;
        bestLag = lag;
      }
    }
    this.lastLag = bestLag;
    return Math.sqrt(best / length);
  }
}

// Sum of squared differences between the latest shape and the one `lag` back; stops once past `bound`.
function shapeGap(
  data: Float64Array,
  latest: number,
  lag: number,
  span: number,
  stride: number,
  bound: number,
): number {
  let sum = 0;
  for (let k = 0; k <= span && sum < bound; k += stride) {
    const diff = data[latest - k] - data[latest - lag - k];
    sum += diff * diff;
  }
  return sum;
}
