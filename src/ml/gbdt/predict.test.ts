import { describe, expect, it } from 'vitest';
import { AppError, SeededRng } from '../../shared/index.js';
import { trainGbdt } from './booster.js';
import { gainImportance } from './importance.js';
import { predict, predictRaw } from './predict.js';
import { xorData } from './testing.js';

const { x, y } = xorData(400, 41, 2);
const model = trainGbdt({ x, y }, { rng: new SeededRng(0), params: { n_estimators: 10, num_leaves: 6 } });

describe('predict', () => {
  it('gives the logistic of the raw score for binary models', () => {
    const raw = new Float64Array(x.rows);
    const p = new Float64Array(x.rows);
    predictRaw(model, x, raw);
    predict(model, x, p);
    raw.forEach((r, i) => expect(p[i]).toBe(1 / (1 + Math.exp(-r))));
  });

  it('writes only the first rows of a larger caller-owned buffer', () => {
    const out = new Float64Array(x.rows + 2).fill(-7);
    predict(model, x, out);
    expect(Array.from(out.subarray(x.rows))).toEqual([-7, -7]);
  });

  it('refuses a short buffer or the wrong number of columns', () => {
    expect(() => predict(model, x, new Float64Array(3))).toThrow(AppError);
    expect(() => predict(model, x, new Float64Array(3))).toThrow(`needs ${x.rows}`);
    const wrong = { data: new Float64Array(4), rows: 2, cols: 2 };
    expect(() => predict(model, wrong, new Float64Array(2))).toThrow('trained on 4');
  });
});

describe('gainImportance', () => {
  it('puts the two XOR features far above the noise feature', () => {
    const imp = gainImportance(model);
    expect(Math.min(imp[0], imp[1])).toBeGreaterThan(5 * imp[2]);
    const total = model.trees.reduce((s, t) => s + t.splitGain.reduce((a, g) => a + g, 0), 0);
    expect(imp.reduce((s, v) => s + v, 0)).toBeCloseTo(total, 9);
  });
});
