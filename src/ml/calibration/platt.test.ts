import { describe, expect, it } from 'vitest';
import { PlattCalibrator } from './platt.js';

describe('PlattCalibrator', () => {
  it("matches scikit-learn 1.2's _sigmoid_calibration on a small set", () => {
    const c = PlattCalibrator.fit([0.1, 0.35, 0.4, 0.8, 0.2, 0.7, 0.55, 0.9], [0, 0, 1, 1, 0, 1, 0, 1]);
    // scikit-learn's BFGS stops at gradient 1e-5, so agreement is to about 1e-5.
    expect(c.a).toBeCloseTo(-4.38213382520945, 4);
    expect(c.b).toBeCloseTo(2.187174621544393, 4);
  });

  it('stays finite on separable scores thanks to the smoothed targets', () => {
    const c = PlattCalibrator.fit([-3, -2, -1, 1, 2, 3], [0, 0, 0, 1, 1, 1]);
    expect(c.a).toBeCloseTo(-0.6214000828966534, 4);
    expect(c.b).toBeCloseTo(0, 6);
    const p = c.transform([-3, 0, 3]);
    expect(p[0]).toBeLessThan(0.5);
    expect(p[1]).toBeCloseTo(0.5, 6);
    expect(p[2]).toBeGreaterThan(0.5);
    expect(p[2]).toBeLessThan(1);
  });

  it('gives the mean smoothed target when every score is equal', () => {
    const p = PlattCalibrator.fit([1, 1, 1, 1], [1, 0, 0, 0]).transform([1]);
    // targets 2/3 for the positive, 1/5 for each negative: (2/3 + 3/5) / 4
    expect(p[0]).toBeCloseTo(19 / 60, 9);
  });

  it('treats unit weights as none and is unchanged when all weights scale', () => {
    const s = [0, 1, 2, 3, 0.5, 2.5];
    const y = [0, 1, 0, 1, 0, 1];
    const plain = PlattCalibrator.fit(s, y);
    const unit = PlattCalibrator.fit(s, y, [1, 1, 1, 1, 1, 1]);
    const w = [1, 3, 0.5, 2, 1, 1];
    const once = PlattCalibrator.fit(s, y, w);
    const doubled = PlattCalibrator.fit(
      s,
      y,
      w.map((v) => 2 * v),
    );
    expect(unit.a).toBe(plain.a);
    expect(doubled.a).toBeCloseTo(once.a, 8);
    expect(doubled.b).toBeCloseTo(once.b, 8);
    expect(once.a).not.toBeCloseTo(plain.a, 3);
  });

  it('rejects bad input naming the field', () => {
    expect(() => PlattCalibrator.fit([0.1, 0.2], [0, 2])).toThrow(/target at index 1 must be 0 or 1/);
    expect(() => PlattCalibrator.fit([0.1], [0, 1])).toThrow(/1 scores but 2 targets/);
    expect(() => PlattCalibrator.fit([0.1, 0.2], [0, 1], [0, 0])).toThrow(/weights sum to 0/);
  });
});
