import { describe, expect, it } from 'vitest';
import { DataPartition } from './partition.js';

describe('DataPartition', () => {
  // One feature, 6 rows: bins 0,2,1,3(missing),0,2 with 3 finite bins.
  const bins = Uint8Array.from([0, 2, 1, 3, 0, 2]);

  it('keeps bins ≤ threshold in the leaf, moves the rest to the new leaf, in row order', () => {
    const p = new DataPartition(6, 4);
    p.reset(null, 6);
    expect(p.split(0, 1, bins, 6, 0, 1, 3, false)).toBe(3);
    expect(Array.from(p.indices.subarray(p.begin[0], p.begin[0] + p.count[0]))).toEqual([0, 2, 4]);
    expect(Array.from(p.indices.subarray(p.begin[1], p.begin[1] + p.count[1]))).toEqual([1, 3, 5]);
  });

  it('sends missing values to the default side', () => {
    const p = new DataPartition(6, 4);
    p.reset(null, 6);
    p.split(0, 1, bins, 6, 0, 1, 3, true);
    expect(Array.from(p.indices.subarray(0, p.count[0]))).toEqual([0, 2, 3, 4]);
  });

  it('splits a bag of rows and then a child range without disturbing its sibling', () => {
    const p = new DataPartition(6, 4);
    p.reset(Int32Array.from([1, 2, 3, 5]), 4);
    p.split(0, 1, bins, 6, 0, 1, 3, false); // leaf 0: [2], leaf 1: [1, 3, 5]
    p.split(1, 2, bins, 6, 0, 2, 3, false); // leaf 1: [1, 5], leaf 2: [3]
    const rows = (l: number): number[] => Array.from(p.indices.subarray(p.begin[l], p.begin[l] + p.count[l]));
    expect([rows(0), rows(1), rows(2)]).toEqual([[2], [1, 5], [3]]);
  });
});
