import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError, SeededRng } from '../../shared/index.js';
import { trainGbdt } from './booster.js';
import { predictRaw } from './predict.js';
import { loadGbdt, saveGbdt } from './serialize.js';
import { regressionData, withMissing, xorData } from './testing.js';

const { x, y } = xorData(300, 31, 2);
const model = trainGbdt(
  { x: withMissing(x, 0.1, 1), y },
  { rng: new SeededRng(0), params: { n_estimators: 6, num_leaves: 7, min_samples_leaf: 3 } },
);
const text = saveGbdt(model);

/** The parts of a saved artifact the tests tamper with. */
interface Saved {
  schema_version: number;
  hyperparameters: Record<string, unknown>;
  feature_names: string[];
  body: { trees: Record<string, (number | null)[]>[] | string };
}

type Edit = (a: Saved, trees: Record<string, (number | null)[]>[]) => unknown;

/** The saved artifact, changed by `edit`, then loaded: the error it raises. */
function loadEdited(edit: Edit): AppError {
  const a = JSON.parse(text) as Saved;
  edit(a, a.body.trees as Record<string, (number | null)[]>[]);
  try {
    loadGbdt(JSON.stringify(a));
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the artifact to be refused');
}

describe('saveGbdt / loadGbdt', () => {
  it('round-trips exactly: same predictions bit for bit, same text when saved again', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.boolean(), (seed, regression) => {
        const data = regression ? regressionData(200, seed) : xorData(200, seed, 2);
        const xm = withMissing(data.x, 0.05, seed);
        const m = trainGbdt(
          { x: xm, y: data.y },
          {
            rng: new SeededRng(seed),
            params: { objective: regression ? 'regression' : 'binary', n_estimators: 5, learning_rate: 0.3 },
            featureNames: Array.from({ length: xm.cols }, (_, i) => `col_${i}`),
          },
        );
        const saved = saveGbdt(m);
        const back = loadGbdt(saved);
        const a = new Float64Array(xm.rows);
        const b = new Float64Array(xm.rows);
        predictRaw(m, xm, a);
        predictRaw(back, xm, b);
        a.forEach((v, i) => expect(Object.is(v, b[i])).toBe(true));
        expect(back.featureNames).toEqual(m.featureNames);
        expect(back.params).toEqual(m.params);
        expect(saveGbdt(back)).toBe(saved);
      }),
      { numRuns: 15 },
    );
  });

  it('round-trips a tree without splits (too little data to split): its one leaf is the root', () => {
    const tiny = trainGbdt(
      { x: { rows: 2, cols: 1, data: Float64Array.of(0, 1) }, y: Float64Array.of(0, 1) },
      { rng: new SeededRng(0), params: { n_estimators: 2, min_samples_leaf: 2 } },
    );
    expect(tiny.trees.some((t) => t.numLeaves === 1)).toBe(true);
    const back = loadGbdt(saveGbdt(tiny));
    expect(saveGbdt(back)).toBe(saveGbdt(tiny));
  });

  it('also loads from bytes', () => {
    expect(saveGbdt(loadGbdt(new TextEncoder().encode(text)))).toBe(text);
  });

  it.each([
    ['not JSON', () => loadGbdt('{"format":'), 'not valid JSON'],
    ['a foreign file', () => loadGbdt('{"hello": 1}'), 'unknown format'],
    [
      'another model',
      () => loadGbdt(text.replace('"model":"gbdt"', '"model":"isolation_forest"')),
      'holds a "isolation_forest" model',
    ],
  ])('refuses %s', (_, f, why) => {
    expect(f).toThrow(AppError);
    expect(f).toThrow(why);
  });

  const tampered: [string, Edit, string][] = [
    [
      'bad hyperparameters',
      (a) => (a.hyperparameters.num_leaves = 1),
      'bad hyperparameters (gbdt: num_leaves must be ≥ 2',
    ],
    ['a cycle', (_, t) => (t[0].left_child[1] = 0), 'tree 0: node 1 has child 0 out of order'],
    ['a leaf used twice', (_, t) => (t[0].right_child[0] = ~0), 'has bad leaf 0'],
    [
      'a missing threshold',
      (_, t) => (t[1].threshold[0] = null),
      'tree 1: threshold must hold finite numbers',
    ],
    ['a short array', (_, t) => t[0].leaf_value.pop(), 'tree 0: leaf_value must be a list of'],
    ['a feature out of range', (_, t) => (t[0].split_feature[0] = 99), 'split_feature out of range'],
    [
      'names that do not match',
      (a) => a.feature_names.push('extra'),
      'feature_names does not match num_features',
    ],
    ['no trees list', (a) => (a.body.trees = 'x'), 'trees must be a list'],
    ['a newer schema', (a) => (a.schema_version = 99), 'schema version 99'],
  ];
  it.each(tampered)('refuses an artifact with %s', (_, edit, why) => {
    const err = loadEdited(edit);
    expect(err.code).toBe('MODEL_INVALID');
    expect(err.message).toContain('cannot load gbdt artifact');
    expect(err.message).toContain(why);
  });
});
