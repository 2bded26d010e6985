import { describe, expect, it } from 'vitest';
import { buildHistogram, clearHistogram, newHistogram, packBins, subtractHistogram } from './histogram.js';

// Two features over 5 rows; feature 0 has 2 finite bins (+ missing slot), feature 1 has 3 (+ missing).
const numRows = 5;
const numBins = Int32Array.from([2, 3]);
const offset = Int32Array.from([0, 3]);
const totalBins = 7;
const bins = Uint8Array.from([0, 1, 1, 2, 0, /* feature 1 */ 2, 2, 0, 1, 3]);
const grad = Float64Array.from([1, 2, 3, 4, 5]);
const hess = Float64Array.from([0.5, 0.5, 1, 1, 2]);
const both = Int32Array.from([0, 1]);

function histOf(rows: number[]): Float64Array {
  // One spare slot past the features for the padding of the packed group (two features of four).
  const hist = newHistogram(totalBins + 1);
  const r = Int32Array.from(rows);
  const gh = Float64Array.from(rows.flatMap((i) => [grad[i], hess[i]]));
  buildHistogram(hist, packBins(bins, numRows, both, offset, totalBins), numRows, r, 0, rows.length, gh);
  return hist.subarray(0, totalBins * 3);
}

describe('histograms', () => {
  it('sums gradient, hessian and count per bin, the missing bin last', () => {
    const hist = histOf([0, 1, 2, 3, 4]);
    // feature 0: bin 0 ← rows 0,4; bin 1 ← rows 1,2; missing ← row 3.
    expect(Array.from(hist.subarray(0, 9))).toEqual([6, 2.5, 2, 5, 1.5, 2, 4, 1, 1]);
    // feature 1: bin 0 ← row 2; bin 1 ← row 3; bin 2 ← rows 0,1; missing ← row 4.
    expect(Array.from(hist.subarray(9))).toEqual([3, 1, 1, 4, 1, 1, 3, 1, 2, 5, 2, 1]);
  });

  it('gets the larger child by subtracting the smaller one from the parent', () => {
    const parent = histOf([0, 1, 2, 3, 4]);
    subtractHistogram(parent, histOf([1, 3]), both, offset, numBins);
    expect(Array.from(parent)).toEqual(Array.from(histOf([0, 2, 4])));
  });

  it('touches only the listed features', () => {
    const hist = histOf([0, 1, 2, 3, 4]);
    clearHistogram(hist, Int32Array.from([1]), offset, numBins);
    expect(Array.from(hist.subarray(9))).toEqual(new Array(12).fill(0));
    expect(hist[0]).toBe(6);
  });
});
