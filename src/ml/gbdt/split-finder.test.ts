import { describe, expect, it } from 'vitest';
import {
  findBestSplit,
  findBestSplitSklearn,
  findBestSplitXgboost,
  leafOutput,
  SplitInfo,
  type SplitRules,
} from './split-finder.js';

const rules: SplitRules = { lambdaL2: 1, minSamplesLeaf: 1, minChildWeight: 0, minGain: 0 };
const offset = Int32Array.from([0]);
const oneFeature = Int32Array.from([0]);

/** A one-feature histogram from [g, h, count] per bin, the missing bin last. */
function hist(...slots: [number, number, number][]): Float64Array {
  return Float64Array.from(slots.flat());
}

describe('findBestSplit', () => {
  it('finds the split and gain computed by hand', () => {
    // Bins 0,1,2 hold g = -2, -1, +3 (h = 1 per row, 2/1/2 rows), no missing. λ = 1.
    const h = hist([-2, 2, 2], [-1, 1, 1], [3, 2, 2], [0, 0, 0]);
    const out = new SplitInfo();
    findBestSplit(out, h, oneFeature, offset, Int32Array.from([3]), 0, 5, 5, rules);
    // Cut after bin 1: GL = −3, HL = 3 → 9/4; GR = 3, HR = 2 → 9/3; parent 0 → gain 5.25.
    // (After bin 0: 4/3 + 4/4 = 2.33.)
    expect(out.feature).toBe(0);
    expect(out.bin).toBe(1);
    expect(out.gain).toBeCloseTo(5.25, 12);
    expect([out.leftGrad, out.leftHess, out.leftCount]).toEqual([-3, 3, 3]);
    expect(leafOutput(-3, 3, 1)).toBe(0.75);
    expect(leafOutput(3, 2, 1)).toBe(-1);
    // Nowhere to send unseen missing values but the bigger side.
    expect(out.defaultLeft).toBe(true);
  });

  it('learns the direction of missing values from their gradients', () => {
    // Missing rows pull like bin 0 (negative gradient): they must go left with it.
    const h = hist([-2, 2, 2], [2, 2, 2], [-2, 2, 2]);
    const out = new SplitInfo();
    findBestSplit(out, h, oneFeature, offset, Int32Array.from([2]), -2, 6, 6, rules);
    expect(out.bin).toBe(0);
    expect(out.defaultLeft).toBe(true);
    // GL = −4, HL = 4 → 16/5; GR = 2, HR = 2 → 4/3; parent 4/7.
    expect(out.gain).toBeCloseTo(16 / 5 + 4 / 3 - 4 / 7, 12);

    const flipped = hist([-2, 2, 2], [2, 2, 2], [2, 2, 2]);
    findBestSplit(out, flipped, oneFeature, offset, Int32Array.from([2]), 2, 6, 6, rules);
    expect(out.defaultLeft).toBe(false);
  });

  it('respects min_samples_leaf, min_child_weight and min_gain', () => {
    const h = hist([-2, 2, 2], [-1, 1, 1], [3, 2, 2], [0, 0, 0]);
    const out = new SplitInfo();
    const nb = Int32Array.from([3]);
    findBestSplit(out, h, oneFeature, offset, nb, 0, 5, 5, { ...rules, minSamplesLeaf: 3 });
    expect(out.feature).toBe(-1);
    findBestSplit(out, h, oneFeature, offset, nb, 0, 5, 5, { ...rules, minChildWeight: 2 });
    expect([out.feature, out.bin]).toEqual([0, 1]);
    findBestSplit(out, h, oneFeature, offset, nb, 0, 5, 5, { ...rules, minChildWeight: 2.5 });
    expect(out.feature).toBe(-1);
    findBestSplit(out, h, oneFeature, offset, nb, 0, 5, 5, { ...rules, minGain: 5.25 });
    expect(out.feature).toBe(-1);
  });

  it('skips features with a single bin and prefers the first of equal gains', () => {
    const h = Float64Array.from([
      ...[5, 3, 3, 0, 0, 0], // feature 0: one finite bin (constant)
      ...[-1, 1, 1, 1, 1, 1, 0, 0, 0], // feature 1
      ...[-1, 1, 1, 1, 1, 1, 0, 0, 0], // feature 2, identical
    ]);
    const out = new SplitInfo();
    findBestSplit(
      out,
      h,
      Int32Array.from([0, 1, 2]),
      Int32Array.from([0, 2, 5]),
      Int32Array.from([1, 2, 2]),
      0,
      2,
      2,
      rules,
    );
    expect(out.feature).toBe(1);
  });
});

describe('findBestSplitXgboost', () => {
  const xgb: SplitRules = { ...rules, xgboost: true };

  it('finds the same split as ours, but sends unseen missing values right', () => {
    const h = hist([-2, 2, 2], [-1, 1, 1], [3, 2, 2], [0, 0, 0]);
    const out = new SplitInfo();
    findBestSplitXgboost(out, h, oneFeature, offset, Int32Array.from([3]), 0, 5, 5, xgb);
    expect([out.feature, out.bin, out.defaultLeft]).toEqual([0, 1, false]);
    // Single precision, as XGBoost keeps gains.
    expect(out.gain).toBe(Math.fround(5.25));
  });

  it('can split the missing values from every finite value', () => {
    // Both finite bins pull down, the missing rows up: the best split is finite | missing.
    const h = hist([-2, 2, 2], [-2, 2, 2], [4, 2, 2]);
    const out = new SplitInfo();
    findBestSplitXgboost(out, h, oneFeature, offset, Int32Array.from([2]), 0, 6, 6, xgb);
    // Left: the top bin and all below (G −4, H 4 → 16/5), right: missing (G 4, H 2 → 16/3).
    expect([out.bin, out.defaultLeft, out.leftCount]).toEqual([1, false, 4]);
    expect(out.gain).toBe(Math.fround(16 / 5 + 16 / 3));
    // Ours only splits between finite bins: at most 4/3 + 4/5.
    findBestSplit(out, h, oneFeature, offset, Int32Array.from([2]), 0, 6, 6, rules);
    expect(out.gain).toBeCloseTo(4 / 3 + 4 / 5, 12);
  });
});

describe('findBestSplitSklearn', () => {
  const rulesFor = (missing: number): SplitRules => ({
    lambdaL2: 0,
    minSamplesLeaf: 1,
    minChildWeight: 1e-3,
    minGain: 0,
    sklearnMissing: Uint8Array.from([missing]),
  });

  it("scores a split as scikit-learn: P − GL·vL − GR·vR with the node's own value in P", () => {
    const h = hist([-2, 2, 2], [-1, 1, 1], [4, 2, 2], [0, 0, 0]);
    const out = new SplitInfo();
    // At the root (value 0): GL²/HL + GR²/HR = 9/3 + 16/2, no parent term (after bin 0: 4/2 + 9/3).
    findBestSplitSklearn(out, h, oneFeature, offset, Int32Array.from([3]), 1, 5, 5, rulesFor(0), 0);
    expect(out.bin).toBe(1);
    expect(out.gain).toBeCloseTo(11, 12);
    // Below the root the parent's loss G × v counts: G = 1, v = −0.2 → gain 11 − 0.2.
    findBestSplitSklearn(out, h, oneFeature, offset, Int32Array.from([3]), 1, 5, 5, rulesFor(0), -0.2);
    expect(out.gain).toBeCloseTo(10.8, 12);
    // Unseen missing values go to the side with more rows (3 left, 2 right).
    expect(out.defaultLeft).toBe(true);
  });

  it('with missing training values but none in the leaf, keeps them right and can cut off the top bin', () => {
    // Every finite value pulls down, the missing rows (2) up: best is finite | missing.
    const h = hist([-2, 2, 2], [-2, 2, 2], [4, 2, 2]);
    const out = new SplitInfo();
    findBestSplitSklearn(out, h, oneFeature, offset, Int32Array.from([2]), 0, 6, 6, rulesFor(1), 0);
    expect([out.bin, out.defaultLeft, out.leftCount]).toEqual([1, false, 4]);
    // Same histogram without missing rows: the scan from the top finds only equal gains, so right stays.
    const none = hist([-2, 2, 2], [2, 2, 2], [0, 0, 0]);
    findBestSplitSklearn(out, none, oneFeature, offset, Int32Array.from([2]), 0, 4, 4, rulesFor(1), 0);
    expect([out.bin, out.defaultLeft]).toEqual([0, false]);
  });
});
