import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/index.js';
import { GBDT_PARAMS, resolveGbdtParams } from './params.js';

function rejection(input: Record<string, unknown>): AppError {
  try {
    resolveGbdtParams(input);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('resolveGbdtParams', () => {
  it('fills every default from the table and freezes the result', () => {
    const p = resolveGbdtParams();
    for (const [name, spec] of Object.entries(GBDT_PARAMS)) {
      expect(p[name as keyof typeof p]).toBe(spec.default);
    }
    expect(Object.isFrozen(p)).toBe(true);
  });

  it.each([
    [{ learning_rate: 0 }, 'learning_rate', '> 0'],
    [{ num_leaves: 1 }, 'num_leaves', '≥ 2'],
    [{ num_leaves: 3.5 }, 'num_leaves', 'whole number'],
    [{ max_bins: 256 }, 'max_bins', '≤ 255'],
    [{ max_depth: 0 }, 'max_depth', '-1 (no limit) or ≥ 1'],
    [{ max_depth: -2 }, 'max_depth', '≥ -1'],
    [{ subsample: 0 }, 'subsample', '> 0'],
    [{ colsample_bytree: 1.5 }, 'colsample_bytree', '≤ 1'],
    [{ lambda_l2: -1 }, 'lambda_l2', '≥ 0'],
    [{ min_samples_leaf: 0 }, 'min_samples_leaf', '≥ 1'],
    [{ scale_pos_weight: 0 }, 'scale_pos_weight', '> 0'],
    [{ n_estimators: Number.NaN }, 'n_estimators', 'finite number'],
    [{ objective: 'poisson' }, 'objective', 'one of binary, regression'],
    [{ num_trees: 10 }, 'num_trees', 'unknown hyperparameter'],
  ])('rejects %j naming %s', (input, field, why) => {
    const err = rejection(input);
    expect(err.code).toBe('INVALID_HYPERPARAMETER');
    expect(err.field).toBe(field);
    expect(err.message).toContain(field);
    expect(err.message).toContain(why);
  });
});
