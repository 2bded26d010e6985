import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runEvalNab } from './eval-nab.js';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/nab/', import.meta.url));
const labels = join(FIXTURE, 'labels.json');
const profiles = join(FIXTURE, 'profiles.json');
const scratch = await mkdtemp(join(tmpdir(), 'eval-nab-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('eval nab', () => {
  it('scores an existing results folder at a fixed threshold (files named <detector>_<series>.csv)', async () => {
    const out = await runEvalNab({
      scoreDir: join(FIXTURE, 'results/handmade'),
      labels,
      profiles,
      fixedThreshold: 1,
    });
    expect(out.files).toBe(2);
    expect(out.windows).toBe(2);
    expect(out.thresholds).toEqual({ standard: 1, reward_low_FP_rate: 1, reward_low_FN_rate: 1 });
    expect(out.standard).toBeCloseTo(42.5621, 3); // see src/anomaly/nab/nab.test.ts
    expect(out.per_file.find((r) => r.file === 'demo/a.csv' && r.profile === 'standard')).toMatchObject({
      tp: 2,
      fp: 2,
      fn: 3,
    });
  });

  it('runs the detector, writes NAB-layout results and scores the same when they are read back', async () => {
    const out = join(scratch, 'results');
    const run = await runEvalNab({ corpus: join(FIXTURE, 'data'), labels, profiles, out });
    const written = (await readFile(join(out, 'demo/flexiroaster_a.csv'), 'utf8')).trim().split('\n');
    expect(written[0]).toBe('timestamp,value,anomaly_score');
    expect(written).toHaveLength(41);
    expect(written[1]).toMatch(/^2020-01-01 00:00:00,10,0$/);
    const again = await runEvalNab({ scoreDir: out, labels, profiles });
    expect(again).toEqual(run);
    expect(run.per_file).toHaveLength(6);
  });

  it('refuses a missing corpus and a series without labels', async () => {
    await expect(runEvalNab({ labels, profiles })).rejects.toThrow(/--corpus/);
    const corpus = join(scratch, 'unlabelled');
    await mkdir(join(corpus, 'demo'), { recursive: true });
    await writeFile(join(corpus, 'demo/other.csv'), 'timestamp,value\n2020-01-01 00:00:00,1\n');
    await expect(runEvalNab({ corpus, labels, profiles })).rejects.toThrow(/no labels for demo\/other.csv/);
  });
});
