import { describe, expect, it } from 'vitest';
import { expectedValue, leafOf, treeDepth, TreeBuilder } from './tree.js';

describe('TreeBuilder and leafOf', () => {
  // root: x0 <= 0.5 ? (x1 <= 2 ? leaf0 : leaf2) : leaf1; missing x0 goes right, missing x1 left.
  const b = new TreeBuilder(4);
  b.reset();
  const right = b.split(0, 0, 0.5, false, 3, 10);
  const third = b.split(0, 1, 2, true, 1, 6);
  const tree = b.finish(Float64Array.from([1, 2, 3]), Float64Array.from([4, 4, 2]));

  it('numbers leaves and nodes the LightGBM way', () => {
    expect([right, third]).toEqual([1, 2]);
    expect(tree.numLeaves).toBe(3);
    expect(Array.from(tree.leftChild)).toEqual([1, ~0]);
    expect(Array.from(tree.rightChild)).toEqual([~1, ~2]);
    expect(treeDepth(tree)).toBe(2);
  });

  it('routes rows by raw thresholds and missing values by the default direction', () => {
    const rows = [
      [0.5, 2],
      [0.5, 2.1],
      [0.6, 0],
      [NaN, 0],
      [0, NaN],
    ];
    expect(rows.map((r) => leafOf(tree, Float64Array.from(r), 0))).toEqual([0, 2, 1, 1, 0]);
  });

  it('averages leaf values weighted by cover', () => {
    expect(expectedValue(tree)).toBeCloseTo((1 * 4 + 2 * 4 + 3 * 2) / 10, 15);
  });
});
