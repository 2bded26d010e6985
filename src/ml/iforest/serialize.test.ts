import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError, SeededRng } from '../../shared/index.js';
import { encodeArtifact } from '../artifact.js';
import { IsolationForest } from './model.js';
import { decodeIsolationForest, encodeIsolationForest } from './serialize.js';
import { cloudWithOutliers } from '../../../test/helpers/outlier-data.js';

const { x } = cloudWithOutliers(120, 5, 4);

function expectModelInvalid(text: string, message: RegExp): void {
  try {
    decodeIsolationForest(text);
    expect.unreachable();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('MODEL_INVALID');
    expect((err as AppError).message).toMatch(message);
  }
}

describe('Isolation Forest artifacts', () => {
  it('round-trip exactly: same JSON, same scores, same offset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom<number | 'auto'>('auto', 0.05, 0.2),
        (seed, contamination) => {
          const model = IsolationForest.fit(x, new SeededRng(seed), { n_estimators: 8, contamination }, [
            'a',
            'b',
            'c',
            'd',
          ]);
          const text = encodeIsolationForest(model);
          const back = decodeIsolationForest(text);
          expect(encodeIsolationForest(back)).toBe(text);
          expect(back.featureNames).toEqual(['a', 'b', 'c', 'd']);
          expect(back.offset).toBe(model.offset);
          expect(back.decisionFunction(x)).toEqual(model.decisionFunction(x));
        },
      ),
      { numRuns: 25 },
    );
  });

  const good = JSON.parse(
    encodeIsolationForest(IsolationForest.fit(x, new SeededRng(1), { n_estimators: 3 })),
  );
  const withBody = (patch: Record<string, unknown>): string =>
    JSON.stringify({ ...good, body: { ...good.body, ...patch } });

  it('refuse text that is not ours', () => {
    expectModelInvalid('{"format":', /not valid JSON/);
    expectModelInvalid('[1,2]', /not a JSON object/);
    expectModelInvalid(JSON.stringify({ ...good, format: 'other' }), /unknown format/);
    expectModelInvalid(JSON.stringify({ ...good, schema_version: 99 }), /schema version 99/);
    expectModelInvalid(encodeArtifact('gbdt', {}, ['a'], {}), /holds a "gbdt" model/);
  });

  it('refuse corrupt bodies and hyperparameters, saying what is wrong', () => {
    expectModelInvalid(
      JSON.stringify({ ...good, hyperparameters: { n_estimators: -1 } }),
      /n_estimators must be ≥ 1/,
    );
    expectModelInvalid(withBody({ sample_size: 1 }), /sample_size/);
    expectModelInvalid(withBody({ offset: 'x' }), /offset/);
    expectModelInvalid(withBody({ threshold: good.body.threshold.slice(1) }), /differ in length/);
    expectModelInvalid(
      withBody({ feature: good.body.feature.map(() => 'f') }),
      /feature must be a list of whole numbers/,
    );
    expectModelInvalid(withBody({ tree_start: [0, 1] }), /tree_start must list 3 trees/);
    const left = [...good.body.left];
    left[0] = 0;
    expectModelInvalid(withBody({ left }), /node 0 has children outside its tree/);
    const feature = [...good.body.feature];
    feature[0] = 4;
    expectModelInvalid(withBody({ feature }), /tests feature 4 of 4/);
  });
});
