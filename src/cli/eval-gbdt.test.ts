import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { regressionData, xorData } from '../ml/gbdt/testing.js';
import type { Matrix } from '../ml/matrix.js';
import { evaluateGbdt, registerEvalGbdt } from './eval-gbdt.js';

const dir = mkdtempSync(join(tmpdir(), 'eval-gbdt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** Writes a CSV with columns a, b, c, a text column `note` and the label `y`. */
function csv(name: string, x: Matrix, y: Float64Array, extra = ''): string {
  const lines = [`a,b,c,note,y${extra ? ',' + extra : ''}`];
  for (let r = 0; r < x.rows; r++) {
    const v = Array.from(x.data.subarray(r * x.cols, r * x.cols + 3));
    lines.push([...v, `run ${r}`, y[r], ...(extra ? [r % 2 === 0 ? 'x' : '1'] : [])].join(','));
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n'));
  return path;
}

function run(args: string[]): Promise<unknown> {
  const program = new Command().exitOverride();
  registerEvalGbdt(program.command('eval'));
  return program.parseAsync(['eval', 'gbdt', ...args], { from: 'user' });
}

describe('evaluateGbdt', () => {
  it('holds out the last rows for early stopping and reports test metrics', () => {
    const train = { ...xorData(600, 1, 1), featureNames: ['a', 'b', 'c'] };
    const test = { ...xorData(300, 2, 1), featureNames: ['a', 'b', 'c'] };
    const r = evaluateGbdt(train, test, {
      params: { n_estimators: 200, early_stopping_rounds: 5 },
      seed: 0,
      validFraction: 0.25,
    });
    expect(r).toMatchObject({ trees: expect.any(Number) });
    if (!('auc' in r)) throw new Error('expected binary metrics');
    expect(r.trees).toBeLessThan(200);
    expect(r.auc).toBeGreaterThan(0.95);
    expect(r.pr_auc).toBeGreaterThan(0.9);
    expect(r.brier).toBeLessThan(0.1);
    expect(r.log_loss).toBeGreaterThan(0);
  });
});

describe('eval gbdt command', () => {
  const train = xorData(400, 3, 1);
  const test = xorData(200, 4, 1);
  const trainCsv = csv('train.csv', train.x, train.y);
  const testCsv = csv('test.csv', test.x, test.y, 'flag');

  it('prints binary metrics as JSON and names the columns it left out', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await run(['--train', trainCsv, '--test', testCsv, '--label-column', 'y', '--trees', '30']);
    const result = JSON.parse(String(out.mock.calls[0][0]));
    expect(Object.keys(result).sort()).toEqual([
      'auc',
      'brier',
      'fit_ms',
      'log_loss',
      'pr_auc',
      'predict_ms',
      'trees',
    ]);
    expect(result.trees).toBe(30);
    expect(result.auc).toBeGreaterThan(0.9);
    expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/left out .*: note, flag/);
  });

  it('prints rmse and mae for --objective regression', async () => {
    const reg = regressionData(300, 5);
    const path = csv('reg.csv', reg.x, reg.y);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await run([
      '--train',
      path,
      '--test',
      path,
      '--label-column',
      'y',
      '--objective',
      'regression',
      '--trees',
      '20',
    ]);
    const result = JSON.parse(String(out.mock.calls[0][0]));
    expect(Object.keys(result).sort()).toEqual(['fit_ms', 'mae', 'predict_ms', 'rmse', 'trees']);
    expect(result.rmse).toBeLessThan(0.5);
  });

  it("--compat grows a reference's trees: its own defaults unless --l2 or --min-samples-leaf is given", async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const base = ['--train', trainCsv, '--test', testCsv, '--label-column', 'y', '--trees', '20'];
    const brier = async (args: string[]) => {
      out.mockClear();
      await run([...base, ...args]);
      return (JSON.parse(String(out.mock.calls[0][0])) as { brier: number }).brier;
    };
    const plain = await brier([]);
    const xgboost = await brier(['--compat', 'xgboost']);
    // The same as spelling out XGBoost's λ = 1 and no row minimum; not the same as the CLI's defaults.
    expect(await brier(['--compat', 'xgboost', '--l2', '1', '--min-samples-leaf', '1'])).toBe(xgboost);
    expect(xgboost).not.toBe(plain);
    expect(await brier(['--compat', 'xgboost', '--l2', '0'])).not.toBe(xgboost);
  });

  it('fails with messages naming the bad input', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const base = ['--train', trainCsv, '--test', testCsv, '--label-column', 'y'];
    await expect(run([...base, '--num-leaves', '1'])).rejects.toThrow(/num_leaves must be ≥ 2/);
    await expect(run([...base, '--compat', 'lightgbm'])).rejects.toThrow(/compat/);
    await expect(run([...base, '--trees', 'many'])).rejects.toThrow(/--trees must be a number/);
    await expect(run([...base, '--valid-fraction', '1'])).rejects.toThrow(
      /--valid-fraction must be in \[0, 1\)/,
    );
    await expect(run([...base.slice(0, 4), '--label-column', 'nope'])).rejects.toThrow(
      /no column named "nope"/,
    );
    await expect(
      run(['--train', join(dir, 'missing.csv'), '--test', testCsv, '--label-column', 'y']),
    ).rejects.toThrow(/cannot read/);
  });
});
