import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { historyFeatureNames } from '../prediction/index.js';
import { parseCsv } from './csv.js';
import { groupFeatures, registerEvalPrediction } from './eval-prediction.js';
import { groupTables } from './prediction-groups.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../test/fixtures/prediction-runs.csv', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'eval-prediction-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const BASE = ['--label-column', 'failed', '--time-column', 'started_at'];

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function run(args: string[]): Promise<{ json: unknown; stderr: string }> {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const program = new Command().exitOverride();
  registerEvalPrediction(program.command('eval'));
  await program.parseAsync(['eval', 'prediction', ...args], { from: 'user' });
  return {
    json: JSON.parse(String(out.mock.calls[0][0])),
    stderr: err.mock.calls.map((c) => String(c[0])).join(''),
  };
}

interface Result {
  groups: { group: string; rows: number; test_rows: number; auc: number; pr_auc: number; brier: number }[];
  auc_mean: number;
  brier_mean: number;
}

describe('eval prediction command', () => {
  it('evaluates each group on its latest rows and averages over groups', async () => {
    const { json, stderr } = await run([
      '--csv',
      FIXTURE,
      ...BASE,
      '--group-column',
      'pipeline',
      '--history',
    ]);
    const r = json as Result;
    expect(Object.keys(r).sort()).toEqual(['auc_mean', 'brier_mean', 'groups']);
    expect(r.groups.map((g) => g.group)).toEqual(['ingest', 'report']);
    for (const g of r.groups) {
      expect(Object.keys(g).sort()).toEqual(['auc', 'brier', 'group', 'pr_auc', 'rows', 'test_rows']);
      expect(g).toMatchObject({ rows: 150, test_rows: 45 });
      expect(g.auc).toBeGreaterThan(0.55);
      expect(g.brier).toBeLessThan(0.3);
    }
    expect(r.auc_mean).toBeCloseTo((r.groups[0].auc + r.groups[1].auc) / 2, 12);
    expect(r.brier_mean).toBeCloseTo((r.groups[0].brier + r.groups[1].brier) / 2, 12);
    expect(stderr).toMatch(/left out columns that are not numeric: note\n/);
    expect(stderr).toMatch(/ingest: 150 rows, 45 tested, auc 0\.\d{3}/);
  });

  it('takes one group per file from --dir, honouring --train-fraction', async () => {
    const sub = join(dir, 'byfile');
    mkdirSync(sub);
    const [header, ...lines] = readFileSync(FIXTURE, 'utf8').trim().split('\n');
    for (const name of ['ingest', 'report']) {
      writeFileSync(
        join(sub, `${name}.csv`),
        [header, ...lines.filter((l) => l.startsWith(name))].join('\n'),
      );
    }
    writeFileSync(join(sub, 'notes.txt'), 'not a csv');
    const { json } = await run(['--dir', sub, ...BASE, '--train-fraction', '0.5']);
    const r = json as Result;
    expect(r.groups.map((g) => [g.group, g.rows, g.test_rows])).toEqual([
      ['ingest', 150, 75],
      ['report', 150, 75],
    ]);
  });

  it('reports a group whose test rows hold one outcome without AUC', async () => {
    const rows = Array.from({ length: 80 }, (_, i) => `${i},${i % 3 === 0 && i < 56 ? 1 : 0},${i % 7}`);
    const path = write('one-sided.csv', ['t,failed,x', ...rows].join('\n'));
    const { json, stderr } = await run(['--csv', path, '--label-column', 'failed', '--time-column', 't']);
    expect((json as Result).groups[0]).toMatchObject({ auc: null, pr_auc: null, test_rows: 24 });
    expect((json as Result).auc_mean).toBeNull();
    expect(stderr).toMatch(/one outcome only/);
  });

  it('refuses bad input with messages naming the cause', async () => {
    const badTime = write('bad-time.csv', 't,failed,x\n2024-01-01T00:00:00,1,1\n2024-01-02,0,2\nsoon,1,3\n');
    await expect(run(['--csv', badTime, '--label-column', 'failed', '--time-column', 't'])).rejects.toThrow(
      /bad-time row 3: cannot read time "soon"/,
    );
    const badLabel = write('bad-label.csv', 't,failed,x\n1,1,1\n2,maybe,2\n');
    await expect(run(['--csv', badLabel, '--label-column', 'failed'])).rejects.toThrow(
      /bad-label row 2: label "maybe" is not 0 or 1/,
    );
    await expect(run(['--csv', FIXTURE, '--label-column', 'nope'])).rejects.toThrow(/no column named "nope"/);
    await expect(run(['--csv', FIXTURE, ...BASE, '--group-column', 'team'])).rejects.toThrow(
      /no column named "team"/,
    );
    await expect(run([...BASE])).rejects.toThrow(/either --csv FILE ... or --dir DIR/);
    await expect(run(['--csv', FIXTURE, '--dir', dir, ...BASE])).rejects.toThrow(/either/);
    await expect(run(['--csv', FIXTURE, ...BASE, '--train-fraction', '1.5'])).rejects.toThrow(
      /--train-fraction must be a number in \(0, 1\)/,
    );
    await expect(run(['--csv', join(dir, 'missing.csv'), ...BASE])).rejects.toThrow(/cannot read/);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await expect(run(['--dir', empty, ...BASE])).rejects.toThrow(/holds no .csv file/);
    const textOnly = write('text-only.csv', 'failed,name\n1,a\n0,b\n');
    await expect(run(['--csv', textOnly, '--label-column', 'failed'])).rejects.toThrow(/no numeric feature/);
  });
});

describe('flexiroaster eval prediction (the binary)', () => {
  it('exits 1 with the message on bad input', async () => {
    const badTime = write('cli-bad-time.csv', 't,failed,x\n2024-01-01,1,1\nnever,0,2\n');
    const run = promisify(execFile);
    const child = run(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'eval',
        'prediction',
        '--csv',
        badTime,
        '--label-column',
        'failed',
        '--time-column',
        't',
      ],
      { cwd: ROOT },
    );
    await expect(child).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /^reading 1 file\nflexiroaster: cli-bad-time row 2: cannot read time "never"/,
      ),
    });
  }, 60_000);
});

describe('groupTables and groupFeatures', () => {
  const table = parseCsv(readFileSync(FIXTURE, 'utf8'));
  const { groups } = groupTables([{ name: 'runs', table }], {
    label: 'failed',
    time: 'started_at',
    group: 'pipeline',
  });

  it('sorts each group by time and keeps only numeric feature columns', () => {
    for (const g of groups) {
      expect(g.featureNames).toEqual(['load', 'retries']);
      for (let i = 1; i < g.times.length; i++) expect(g.times[i]).toBeGreaterThanOrEqual(g.times[i - 1]);
    }
  });

  it('appends history features that see only earlier labels', () => {
    const g = groups[0];
    const { x, names } = groupFeatures(g, true);
    expect(names).toEqual(['load', 'retries', ...historyFeatureNames()]);
    const prev = names.indexOf('prev_failed');
    expect(x[prev]).toBeNaN();
    for (let r = 1; r < g.y.length; r++) expect(x[r * names.length + prev]).toBe(g.y[r - 1]);
  });
});
