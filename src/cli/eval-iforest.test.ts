import { afterEach, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { cloudWithOutliers } from '../../test/helpers/outlier-data.js';
import { evaluateIforest, registerEvalIforest } from './eval-iforest.js';

const FIXTURE = new URL('../../test/fixtures/iforest-tiny.csv', import.meta.url).pathname;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('evaluateIforest', () => {
  it('reports per-seed AUCs, their mean and population std, and mean times', () => {
    const { x, y } = cloudWithOutliers(200, 8, 2);
    const r = evaluateIforest(x, y, { trees: 20, maxSamples: 64, seeds: 3 });
    expect(r.auc_per_seed).toHaveLength(3);
    const mean = r.auc_per_seed.reduce((s, a) => s + a, 0) / 3;
    expect(r.auc_mean).toBeCloseTo(mean, 15);
    expect(r.auc_std).toBeCloseTo(Math.sqrt(r.auc_per_seed.reduce((s, a) => s + (a - mean) ** 2, 0) / 3), 15);
    expect(r.auc_mean).toBeGreaterThan(0.95);
    expect(r.fit_ms).toBeGreaterThanOrEqual(0);
  });
});

describe('eval iforest command', () => {
  function run(args: string[]): Promise<unknown> {
    const program = new Command().exitOverride();
    registerEvalIforest(program.command('eval'));
    return program.parseAsync(['eval', 'iforest', ...args], { from: 'user' });
  }

  it('prints one JSON object on stdout, progress and skipped columns on stderr', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await run(['--csv', FIXTURE, '--trees', '10', '--seeds', '2']);
    const result = JSON.parse(String(out.mock.calls[0][0]));
    expect(result).toMatchObject({ dataset: 'iforest-tiny.csv', rows: 40 });
    expect(result.auc_per_seed).toHaveLength(2);
    expect(result.auc_mean).toBeGreaterThan(0.9);
    expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/left out non-numeric columns: name/);
  });

  it('fails with a clear message on a missing label column', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await expect(run(['--csv', FIXTURE, '--label-column', 'outlier'])).rejects.toThrow(
      /no column named "outlier"/,
    );
  });
});
