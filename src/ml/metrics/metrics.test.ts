import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  averagePrecision,
  brierScore,
  confusionMatrix,
  expectedCalibrationError,
  logLoss,
  precisionAtK,
  rocAuc,
  thresholdForPrecision,
  thresholdMaxF1,
} from './index.js';

/** Counts pairs directly: the definition AUC must agree with. */
function pairwiseAuc(y: number[], s: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < y.length; j++) {
      if (y[j] !== 0) continue;
      pairs++;
      wins += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

// Labelled samples with both classes and integer scores, so ties are common and transforms exact.
const labelled = fc
  .array(fc.tuple(fc.constantFrom(0, 1), fc.integer({ min: -20, max: 20 })), { minLength: 2, maxLength: 60 })
  .filter((rows) => rows.some((r) => r[0] === 1) && rows.some((r) => r[0] === 0))
  .map((rows) => ({ y: rows.map((r) => r[0]), s: rows.map((r) => r[1]) }));

describe('rocAuc', () => {
  it('matches hand-computed values, ties counting one half', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    // pos {0.5, 0.9} vs neg {0.5, 0.2}: 0.5 + 1 + 1 + 1 = 3.5 of 4 pairs
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBe(0.875);
    expect(rocAuc([0, 1, 0, 1], [1, 1, 1, 1])).toBe(0.5);
  });

  it('equals the pairwise definition', () => {
    fc.assert(
      fc.property(labelled, ({ y, s }) => {
        expect(rocAuc(y, s)).toBeCloseTo(pairwiseAuc(y, s), 12);
      }),
    );
  });

  it('is invariant under strictly increasing transforms of the scores', () => {
    fc.assert(
      fc.property(labelled, ({ y, s }) => {
        expect(
          rocAuc(
            y,
            s.map((v) => v ** 3 + 5 * v + 7),
          ),
        ).toBe(rocAuc(y, s));
      }),
    );
  });

  it('gives AUC(1 − s) = 1 − AUC(s)', () => {
    fc.assert(
      fc.property(labelled, ({ y, s }) => {
        expect(
          rocAuc(
            y,
            s.map((v) => 1 - v),
          ),
        ).toBeCloseTo(1 - rocAuc(y, s), 12);
      }),
    );
  });

  it('refuses a single class, bad labels, NaN scores and length mismatch', () => {
    expect(() => rocAuc([1, 1], [0.1, 0.2])).toThrow(/both classes/);
    expect(() => rocAuc([0, 2], [0.1, 0.2])).toThrow(/labels must be 0 or 1/);
    expect(() => rocAuc([0, 1], [0.1, NaN])).toThrow(/not finite/);
    expect(() => rocAuc([0, 1], [0.1])).toThrow(/2 labels but 1 scores/);
    expect(() => rocAuc([], [])).toThrow(/at least one/);
  });
});

describe('averagePrecision', () => {
  it('matches hand-computed step-wise values', () => {
    // thresholds 0.8 (P 1, R .5), 0.4 (P .5), 0.35 (P 2/3, R 1): .5·1 + .5·2/3
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(5 / 6, 15);
    // tied top pair: (R .5, P .5), then (R 1, P 2/3)
    expect(averagePrecision([1, 0, 1, 0], [0.9, 0.9, 0.5, 0.1])).toBeCloseTo(0.25 + 1 / 3, 15);
    expect(averagePrecision([1, 1, 0], [3, 2, 1])).toBe(1);
  });

  it('does not depend on the order of tied rows', () => {
    expect(averagePrecision([0, 1, 1, 0], [0.9, 0.9, 0.5, 0.1])).toBe(
      averagePrecision([1, 0, 1, 0], [0.9, 0.9, 0.5, 0.1]),
    );
  });
});

describe('logLoss and brierScore', () => {
  it('match hand-computed values', () => {
    expect(logLoss([1, 0], [0.8, 0.3])).toBeCloseTo(0.2899092476264711, 14);
    expect(brierScore([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3])).toBeCloseTo(0.0375, 15);
  });

  it('clip probabilities so certainty that is wrong costs a finite amount', () => {
    // −ln(2⁻⁵²) / 2, the value scikit-learn 1.2 gives
    expect(logLoss([1, 0], [0, 0])).toBeCloseTo(18.021826694558577, 10);
  });

  it('refuse probabilities outside [0, 1]', () => {
    expect(() => logLoss([1], [1.5])).toThrow(/\[0, 1\]/);
    expect(() => brierScore([1], [-0.1])).toThrow(/\[0, 1\]/);
  });
});

describe('expectedCalibrationError', () => {
  it('matches a hand-computed value with 2 bins', () => {
    // bin [0,.5): labels .5 vs p .3 → .2·½; bin [.5,1]: labels .5 vs p .8 → .3·½
    expect(expectedCalibrationError([0, 1, 1, 0], [0.2, 0.4, 0.7, 0.9], 2)).toBeCloseTo(0.25, 15);
  });

  it('puts p = 1 in the last bin and is 0 when perfectly calibrated', () => {
    expect(expectedCalibrationError([1, 1, 0, 0], [1, 1, 0, 0])).toBe(0);
  });

  it('rejects a bad bin count', () => {
    expect(() => expectedCalibrationError([1], [1], 0)).toThrow(/bins/);
  });
});

describe('precisionAtK', () => {
  it('counts the top k and shares a straddling tie pro rata', () => {
    expect(precisionAtK([1, 0, 1, 0], [4, 3, 2, 1], 2)).toBe(0.5);
    // top score certain (1 positive), then 1 of the 2 tied slots with 1 positive among 2
    expect(precisionAtK([1, 1, 0, 0], [4, 3, 3, 1], 2)).toBe(0.75);
    expect(() => precisionAtK([1, 0], [1, 0], 3)).toThrow(/k must be/);
  });
});

describe('confusionMatrix', () => {
  it('predicts positive at score ≥ threshold', () => {
    expect(confusionMatrix([1, 0, 1, 0], [0.9, 0.5, 0.4, 0.1], 0.5)).toEqual({ tp: 1, fp: 1, tn: 1, fn: 1 });
  });
});

describe('threshold pickers', () => {
  const y = [1, 1, 0, 1, 0, 0];
  const s = [0.9, 0.8, 0.7, 0.6, 0.3, 0.1];

  it('thresholdMaxF1 picks the best F1', () => {
    // at 0.6: tp 3, fp 1 → P .75, R 1, F1 6/7
    const c = thresholdMaxF1(y, s);
    expect(c.threshold).toBe(0.6);
    expect(c.f1).toBeCloseTo(6 / 7, 15);
  });

  it('thresholdForPrecision picks the smallest threshold reaching the target', () => {
    expect(thresholdForPrecision(y, s, 0.75)?.threshold).toBe(0.6);
    expect(thresholdForPrecision(y, s, 1)?.threshold).toBe(0.8);
    expect(thresholdForPrecision([0, 1], [1, 0], 1)).toBeUndefined();
    expect(() => thresholdForPrecision(y, s, 0)).toThrow(/target/);
  });
});
