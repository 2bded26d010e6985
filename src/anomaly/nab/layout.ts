import { ValidationError } from '../../shared/index.js';
import { scaledSigmoid } from './sigmoid.js';
import { parseNabTimestamp } from './timestamp.js';
import type { WindowLabel } from './types.js';

// NAB's constants (scripts/combine_labels.py): 15% of a file, and never more than 15% of 5000 rows.
const PROBATION_SHARE = 0.15;
const PROBATION_CAP_ROWS = 5000;
// The sigmoid at the left edge of a window; dividing by it gives the earliest row exactly tpWeight.
const LEFT_EDGE = scaledSigmoid(-1);

/** Where each row of a file stands for scoring, independent of the detector and the profile. */
export interface RowLayout {
  readonly rows: number;
  /** Rows with an index below this are not scored. */
  readonly probation: number;
  /** Number of windows in the file. */
  readonly windows: number;
  /** Window index of each row; −1 outside every window. */
  readonly window: Int32Array;
  /**
   * Unscaled weight of a detection at each row: in (0, 1] inside a window (times tpWeight), in
   * [−1, 0) outside (times fpWeight).
   */
  readonly weight: Float64Array;
}

/** NAB's probationary length: min(⌊0.15 · rows⌋, 0.15 · 5000). */
export function probationLength(rows: number): number {
  return Math.min(Math.floor(PROBATION_SHARE * rows), PROBATION_SHARE * PROBATION_CAP_ROWS);
}

/** Inclusive row range of every window: first row at or after its start, last row at or before its end. */
export function windowRows(
  times: readonly number[],
  windows: readonly WindowLabel[],
): Array<{ first: number; last: number }> {
  return windows.map(([start, end]) => {
    const from = parseNabTimestamp(start);
    const to = parseNabTimestamp(end);
    let first = 0;
    while (first < times.length && times[first] < from) first++;
    let last = times.length - 1;
    while (last >= 0 && times[last] > to) last--;
    if (first > last) {
      throw new ValidationError('labels', `window [${start}, ${end}] covers no row of the file`);
    }
    return { first, last };
  });
}

/** Builds the row layout of a file from its timestamps and labelled windows (sorted, disjoint). */
export function buildLayout(timestamps: readonly string[], windows: readonly WindowLabel[]): RowLayout {
  const times = timestamps.map(parseNabTimestamp);
  const ranges = windowRows(times, windows);
  for (let k = 1; k < ranges.length; k++) {
    if (ranges[k].first <= ranges[k - 1].last) {
      throw new ValidationError('labels', 'windows must be sorted and must not overlap');
    }
  }
  const rows = times.length;
  const window = new Int32Array(rows).fill(-1);
  const weight = new Float64Array(rows);
  let next = 0; // the next window not yet reached
  for (let i = 0; i < rows; i++) {
    while (next < ranges.length && ranges[next].last < i) next++;
    const current = ranges[next];
    if (current !== undefined && current.first <= i) {
      const width = current.last - current.first + 1;
      window[i] = next;
      weight[i] = scaledSigmoid(-(current.last - i + 1) / width) / LEFT_EDGE;
    } else {
      weight[i] = falseAlarmWeight(i, next > 0 ? ranges[next - 1] : undefined);
    }
  }
  return { rows, probation: probationLength(rows), windows: ranges.length, window, weight };
}

// A false alarm right after a window costs little (it is likely the same event); far away it costs −1.
function falseAlarmWeight(row: number, previous: { first: number; last: number } | undefined): number {
  if (previous === undefined) return -1;
  const span = previous.last - previous.first; // width − 1
  if (span <= 0) return -1;
  return scaledSigmoid(Math.abs(previous.last - row) / span);
}
