// Isolation Forest vs scikit-learn on every outlier data set: same rows, same trees, sample size and
// seeds; prints one markdown table (progress on stderr).
//
//   npx tsx bench/iforest.ts [--data DIR] [--seeds 20] [--trees 100] [--max-samples 256]
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { labelledData, readCsvFile } from '../src/cli/csv.js';
import { evaluateIforest, type IforestEvalResult } from '../src/cli/eval-iforest.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(here, '../../shared/datasets/outlier') },
    seeds: { type: 'string', default: '20' },
    trees: { type: 'string', default: '100' },
    'max-samples': { type: 'string', default: '256' },
  },
});
const seeds = Number(values.seeds);
const trees = Number(values.trees);
const maxSamples = Number(values['max-samples']);
const LABEL = 'label';
const AUC_TOLERANCE = 0.01;
const SPEED_TARGET = 5;

interface Row {
  dataset: string;
  rows: number;
  ours: IforestEvalResult;
  sklearn: IforestEvalResult;
}

function sklearnRun(csv: string): IforestEvalResult {
  const out = execFileSync(
    '/usr/bin/python3',
    [
      join(here, 'iforest_sklearn.py'),
      '--csv',
      csv,
      '--label-column',
      LABEL,
      '--seeds',
      String(seeds),
      '--trees',
      String(trees),
      '--max-samples',
      String(maxSamples),
    ],
    { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } },
  );
  return JSON.parse(out) as IforestEvalResult;
}

/** Sample variance (ddof 1) of the per-seed AUCs, for the standard error of a mean. */
function sampleVariance(xs: number[]): number {
  const m = xs.reduce((s, v) => s + v, 0) / xs.length;
  return xs.reduce((s, v) => s + (v - m) ** 2, 0) / (xs.length - 1);
}

function fmtRow(r: Row): string {
  const diff = r.ours.auc_mean - r.sklearn.auc_mean;
  const se = Math.sqrt(
    (sampleVariance(r.ours.auc_per_seed) + sampleVariance(r.sklearn.auc_per_seed)) / seeds,
  );
  const aucOk = Math.abs(diff) <= AUC_TOLERANCE || Math.abs(diff) < 2 * se;
  const oursMs = r.ours.fit_ms + r.ours.score_ms;
  const skMs = r.sklearn.fit_ms + r.sklearn.score_ms;
  const speedup = skMs / oursMs;
  return [
    r.dataset,
    r.rows,
    `${r.ours.auc_mean.toFixed(4)} ± ${r.ours.auc_std.toFixed(4)}`,
    `${r.sklearn.auc_mean.toFixed(4)} ± ${r.sklearn.auc_std.toFixed(4)}`,
    `${diff >= 0 ? '+' : ''}${diff.toFixed(4)}`,
    se.toFixed(4),
    aucOk ? 'yes' : '**no**',
    `${r.ours.fit_ms.toFixed(1)} + ${r.ours.score_ms.toFixed(1)}`,
    `${r.sklearn.fit_ms.toFixed(1)} + ${r.sklearn.score_ms.toFixed(1)}`,
    `${speedup.toFixed(1)}×`,
    speedup >= SPEED_TARGET ? 'yes' : '**no**',
  ].join(' | ');
}

const results: Row[] = [];
const files = readdirSync(values.data)
  .filter((f) => f.endsWith('.csv'))
  .sort();
for (const file of files) {
  const path = join(values.data, file);
  const table = await readCsvFile(path);
  if (!table.header.includes(LABEL)) {
    process.stderr.write(`skip ${file}: no "${LABEL}" column\n`);
    continue;
  }
  const data = labelledData(table, LABEL);
  process.stderr.write(`${file}: ${data.x.rows}×${data.x.cols}, ours… `);
  const ours = evaluateIforest(data.x, data.y, { trees, maxSamples, seeds });
  process.stderr.write(`scikit-learn… `);
  const sklearn = sklearnRun(path);
  process.stderr.write(`done\n`);
  results.push({ dataset: basename(file, '.csv'), rows: data.x.rows, ours, sklearn });
}

const header = [
  'dataset',
  'rows',
  'ours AUC (mean ± std)',
  'sklearn AUC',
  'diff',
  'SE(diff)',
  'AUC target',
  'ours ms (fit + score)',
  'sklearn ms (fit + score)',
  'speed-up',
  '≥ 5×',
];
process.stdout.write(
  `${seeds} seeds, ${trees} trees, max_samples ${maxSamples}; times are means per seed; ` +
    `AUC target: |diff| ≤ ${AUC_TOLERANCE} or < 2 SE; SE from the per-seed sample variances.\n\n`,
);
process.stdout.write(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n`);
for (const r of results) process.stdout.write(`| ${fmtRow(r)} |\n`);
