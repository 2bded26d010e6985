import { describe, expect, it } from 'vitest';
import { treeRules, type LearnerRules } from './learner.js';

const rules: LearnerRules = {
  numLeaves: 31,
  maxDepth: -1,
  learningRate: 0.1,
  lambdaL2: 1,
  minSamplesLeaf: 20,
  minChildWeight: 1,
  minGain: 0,
};

describe('treeRules', () => {
  it('keeps the hessian floor when min_samples_leaf rows of the mean hessian hold more', () => {
    // 20 rows × 0.06 (p ≈ 6%) = 1.2 ≥ 1.
    expect(treeRules(rules, 0.06)).toBe(rules);
  });

  it('caps the floor at min_samples_leaf rows of the mean hessian, nothing else changed', () => {
    expect(treeRules(rules, 0.02)).toEqual({ ...rules, minChildWeight: 20 * 0.02 });
    expect(treeRules({ ...rules, minSamplesLeaf: 1 }, 0.25)).toEqual({
      ...rules,
      minSamplesLeaf: 1,
      minChildWeight: 0.25,
    });
  });

  it('leaves a floor of 0 at 0', () => {
    expect(treeRules({ ...rules, minChildWeight: 0 }, 0.25).minChildWeight).toBe(0);
  });
});
