import { ValidationError } from '../../shared/index.js';

/** Row indices of a split, each list in time order. */
export interface TimeSplit {
  train: Uint32Array;
  test: Uint32Array;
}

/**
 * Sorts rows by time (stable) and puts the first `fraction` in train, the rest in test. Rows sharing
 * the time at the cut all go to test, so every train time is strictly earlier than every test time.
 */
export function timeOrderedSplit(times: ArrayLike<number>, fraction: number): TimeSplit {
  if (!(fraction > 0 && fraction < 1)) {
    throw new ValidationError('fraction', `timeOrderedSplit: fraction must lie in (0, 1), got ${fraction}`);
  }
  const n = times.length;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(times[i]))
      throw new ValidationError('times', `timeOrderedSplit: time at index ${i} is NaN`);
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => times[a] - times[b] || a - b);
  let cut = Math.floor(fraction * n);
  while (cut > 0 && cut < n && times[order[cut - 1]] === times[order[cut]]) cut--;
  return { train: order.slice(0, cut), test: order.slice(cut) };
}
