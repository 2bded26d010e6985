import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../shared/index.js';
import { binMatrix, binOf, findCuts, fitBinMapper } from './bin-mapper.js';

describe('findCuts', () => {
  it('puts a cut halfway between neighbouring distinct values when they fit', () => {
    expect(Array.from(findCuts(Float64Array.from([1, 2, 2, 3]), 255))).toEqual([1.5, 2.5]);
    expect(Array.from(findCuts(Float64Array.from([5, 5, 5]), 255))).toEqual([]);
  });

  it('spreads 100 distinct values over 4 bins of 25', () => {
    const v = Float64Array.from({ length: 100 }, (_, i) => i);
    expect(Array.from(findCuts(v, 4))).toEqual([24.5, 49.5, 74.5]);
  });

  it('drops repeated quantiles, so heavy ties give fewer bins', () => {
    // 60 zeros then 60 … 99: the 1/4 and 2/4 quantiles are both 0, the 3/4 one lies between 74 and 75.
    const v = Float64Array.from({ length: 100 }, (_, i) => (i < 60 ? 0 : i));
    expect(Array.from(findCuts(v, 4))).toEqual([0, 74.5]);
  });

  it('never places a cut on a value of the next bin, even for adjacent doubles', () => {
    const a = 1;
    const b = 1 + Number.EPSILON;
    const [cut] = findCuts(Float64Array.from([a, b]), 255);
    expect(a <= cut && cut < b).toBe(true);
  });
});

describe('binOf and binMatrix', () => {
  const upper = Float64Array.from([1.5, 2.5]);

  it('bins by upper bound, with NaN in a bin of its own after the finite ones', () => {
    expect([1, 1.5, 2, 2.5, 3, 1e300, -Infinity, Infinity].map((v) => binOf(upper, v))).toEqual([
      0, 0, 1, 1, 2, 2, 0, 2,
    ]);
    expect(binOf(upper, NaN)).toBe(3);
  });

  it('learns bins from finite values only and stores them column-major', () => {
    const x = { data: Float64Array.from([1, 10, 2, NaN, 3, 30, 2, 10]), rows: 4, cols: 2 };
    const mapper = fitBinMapper(x, 255, new SeededRng(0));
    expect(Array.from(mapper.numBins)).toEqual([3, 2]);
    expect(Array.from(mapper.upper[1])).toEqual([20]);
    expect(Array.from(mapper.offset)).toEqual([0, 4]);
    expect(mapper.totalBins).toBe(7);
    // Column 0: 1,2,3,2 → 0,1,2,1; column 1: 10,NaN,30,10 → 0, missing (2), 1, 0.
    expect(Array.from(binMatrix(mapper, x))).toEqual([0, 1, 2, 1, 0, 2, 1, 0]);
  });
});
