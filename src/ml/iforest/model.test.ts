import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError, SeededRng } from '../../shared/index.js';
import { matrixFromRows } from '../matrix.js';
import { rocAuc } from '../metrics/index.js';
import { IsolationForest } from './model.js';
import { encodeIsolationForest } from './serialize.js';
import { cloudWithOutliers } from '../../../test/helpers/outlier-data.js';

const C3 = 1.207392357589623;

describe('IsolationForest path lengths (golden)', () => {
  it('isolates three points with depths 1, 2, 2 according to the root threshold', () => {
    const x = matrixFromRows([[0], [1], [10]]);
    const forest = IsolationForest.fit(x, new SeededRng(3), { n_estimators: 1, max_samples: 3 });
    const rootThreshold = forest.nodes.threshold[0];
    expect(rootThreshold).toBeGreaterThanOrEqual(0);
    expect(rootThreshold).toBeLessThan(10);
    // Below 1 the root cuts 0 off alone; otherwise it cuts 10 off alone. The other two need one more cut.
    const depths = rootThreshold < 1 ? [1, 2, 2] : [2, 2, 1];
    const scores = forest.scoreSamples(x);
    depths.forEach((h, i) => expect(scores[i]).toBeCloseTo(-(2 ** (-h / C3)), 14));
    expect(forest.nodes.nodeSize[0]).toBe(3);
  });

  it('scores identical rows at exactly −0.5: one leaf of ψ rows has path length c(ψ)', () => {
    const x = matrixFromRows([
      [4, 2],
      [4, 2],
      [4, 2],
    ]);
    const forest = IsolationForest.fit(x, new SeededRng(0), { n_estimators: 5 });
    expect(forest.nodes.feature.every((f) => f === -1)).toBe(true);
    for (const s of forest.scoreSamples(x)) expect(s).toBeCloseTo(-0.5, 15);
  });

  it('limits trees to depth ceil(log2 ψ) and adds c(leaf size) at the limit', () => {
    const x = matrixFromRows(Array.from({ length: 64 }, (_, i) => [i]));
    const forest = IsolationForest.fit(x, new SeededRng(1), { n_estimators: 3, max_samples: 4 });
    const { left, nodeSize, treeStart } = forest.nodes;
    for (let t = 0; t < 3; t++) {
      expect(nodeSize[treeStart[t]]).toBe(4);
      // depth ≤ 2 means at most 1 + 2 + 4 nodes
      expect(treeStart[t + 1] - treeStart[t]).toBeLessThanOrEqual(7);
      for (let k = treeStart[t]; k < treeStart[t + 1]; k++) {
        if (left[k] >= 0) expect(nodeSize[left[k]] + nodeSize[left[k] + 1]).toBe(nodeSize[k]);
      }
    }
  });
});

describe('IsolationForest behaviour', () => {
  const { x, y } = cloudWithOutliers(300, 10, 3);

  it('ranks far points as outliers and predicts them with contamination', () => {
    const forest = IsolationForest.fit(x, new SeededRng(7), { contamination: 10 / 310 });
    const scores = forest.scoreSamples(x);
    expect(
      rocAuc(
        y,
        scores.map((s) => -s),
      ),
    ).toBeGreaterThan(0.99);
    const predicted = forest.predict(x);
    let flagged = 0;
    for (let i = 0; i < predicted.length; i++) if (predicted[i] === -1) flagged++;
    expect(flagged).toBe(10);
  });

  it("uses offset −0.5 with contamination 'auto' and decision = score − offset", () => {
    const forest = IsolationForest.fit(x, new SeededRng(7));
    expect(forest.offset).toBe(-0.5);
    const s = forest.scoreSamples(x);
    const d = forest.decisionFunction(x);
    for (let i = 0; i < s.length; i++) expect(d[i]).toBe(s[i] + 0.5);
  });

  it('writes into a caller-owned buffer', () => {
    const forest = IsolationForest.fit(x, new SeededRng(7), { n_estimators: 10 });
    const out = new Float64Array(x.rows);
    expect(forest.scoreSamples(x, out)).toBe(out);
    expect(() => forest.scoreSamples(x, new Float64Array(3))).toThrow(/3 values for 310 rows/);
  });

  it('fits with feature subsampling and bootstrap', () => {
    const forest = IsolationForest.fit(x, new SeededRng(2), {
      max_features: 0.5,
      bootstrap: true,
      max_samples: 0.5,
    });
    expect(forest.sampleSize).toBe(155);
    expect(
      rocAuc(
        y,
        forest.scoreSamples(x).map((s) => -s),
      ),
    ).toBeGreaterThan(0.95);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (seed) => {
        const a = encodeIsolationForest(IsolationForest.fit(x, new SeededRng(seed), { n_estimators: 5 }));
        const b = encodeIsolationForest(IsolationForest.fit(x, new SeededRng(seed), { n_estimators: 5 }));
        const c = encodeIsolationForest(IsolationForest.fit(x, new SeededRng(seed + 1), { n_estimators: 5 }));
        expect(a).toBe(b);
        expect(a).not.toBe(c);
      }),
      { numRuns: 20 },
    );
  });

  it('refuses non-finite values, a wrong column count and mismatched feature names', () => {
    const forest = IsolationForest.fit(x, new SeededRng(7), { n_estimators: 2 });
    expect(() => forest.scoreSamples(matrixFromRows([[1, 2]]))).toThrow(/fitted on 3 features, got 2/);
    expect(() => forest.scoreSamples(matrixFromRows([[1, NaN, 2]]))).toThrow(/row 0, column 1 is not finite/);
    expect(() => IsolationForest.fit(x, new SeededRng(1), {}, ['a'])).toThrow(
      /1 feature names for 3 columns/,
    );
  });
});

describe('IsolationForest hyperparameters', () => {
  const x = matrixFromRows([
    [1, 2],
    [3, 4],
    [5, 6],
    [7, 9],
  ]);
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ n_estimators: 0 }, 'n_estimators', /n_estimators must be ≥ 1/],
    [{ n_estimators: 2.5 }, 'n_estimators', /n_estimators must be a whole number/],
    [{ max_samples: 2.5 }, 'max_samples', /max_samples must be a fraction in \(0, 1\] or a whole number/],
    [{ max_samples: 0 }, 'max_samples', /max_samples must be > 0/],
    [{ max_samples: 0.1 }, 'max_samples', /max_samples gives 0 rows per tree/],
    [{ max_features: 3 }, 'max_features', /max_features is 3 but the data has 2 columns/],
    [{ contamination: 0.6 }, 'contamination', /contamination must be ≤ 0.5/],
    [{ contamination: 'some' }, 'contamination', /contamination must be a finite number or auto/],
    [{ bootstrap: 'yes' }, 'bootstrap', /bootstrap must be true or false/],
    [{ trees: 10 }, 'trees', /unknown hyperparameter "trees"/],
  ];
  it.each(cases)('rejects %j naming the parameter', (input, field, message) => {
    try {
      IsolationForest.fit(x, new SeededRng(0), input as never);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('INVALID_HYPERPARAMETER');
      expect((err as AppError).field).toBe(field);
      expect((err as AppError).message).toMatch(message);
    }
  });
});
