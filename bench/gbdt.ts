// Gradient boosting vs XGBoost and scikit-learn HistGradientBoosting on the very same rows and split:
// DL-CIBuild per project (first 70% by build time → train) and a seeded synthetic set. Prints the
// markdown tables of docs/BENCHMARKS.md (progress on stderr). One thread everywhere.
//
//   npx tsx bench/gbdt.ts [--data DIR] [--out DIR] [--repeats 3] [--only NAME]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { labelledData, readCsvFile } from '../src/cli/csv.js';
import { IsotonicCalibrator, PlattCalibrator } from '../src/ml/calibration/index.js';
import { predict, predictRaw, trainGbdt, type GbdtModel } from '../src/ml/gbdt/index.js';
import type { Matrix } from '../src/ml/matrix.js';
import { brierScore, logLoss, rocAuc } from '../src/ml/metrics/index.js';
import { SeededRng } from '../src/shared/index.js';
import { prepareCibuild, prepareSynthetic, type PreparedSet } from './gbdt_data.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(here, '../../shared/datasets/failures/dl_cibuild') },
    out: { type: 'string', default: resolve(here, 'out/gbdt') },
    repeats: { type: 'string', default: '3' },
    only: { type: 'string' },
  },
});
const repeats = Number(values.repeats);
const PARAMS = { num_leaves: 31, n_estimators: 100, learning_rate: 0.1, max_bins: 255 };
const AUC_SLACK = 0.005;
const VS_XGB = 1.5;
const VS_HGB = 1.0;

interface Scores {
  auc: number;
  brier: number;
  log_loss: number;
  fit_ms: number;
}
interface Reference {
  name: string;
  xgboost: Scores;
  hgb: Scores;
  calibrated: { sigmoid_slice: number; isotonic_slice: number; sigmoid_cv5: number; isotonic_cv5: number };
}
interface Ours extends Scores {
  rows: string;
  platt: number;
  isotonic: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const head = (x: Matrix, rows: number): Matrix => ({
  data: x.data.subarray(0, rows * x.cols),
  rows,
  cols: x.cols,
});
const tail = (x: Matrix, from: number): Matrix => ({
  data: x.data.subarray(from * x.cols),
  rows: x.rows - from,
  cols: x.cols,
});

function fit(x: Matrix, y: Float64Array): GbdtModel {
  return trainGbdt({ x, y }, { rng: new SeededRng(0), params: PARAMS });
}

async function runOurs(set: PreparedSet): Promise<Ours> {
  const train = labelledData(await readCsvFile(set.train), set.label);
  const test = labelledData(await readCsvFile(set.test), set.label);
  const times: number[] = [];
  let model = fit(train.x, train.y);
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    model = fit(train.x, train.y);
    times.push(performance.now() - t0);
  }
  const p = new Float64Array(test.x.rows);
  predict(model, test.x, p);

  // Calibration: fit on the earlier training rows, calibrate on the later ones, score the test set.
  const cut = set.calib_cut;
  const early = fit(head(train.x, cut), train.y.subarray(0, cut));
  const later = tail(train.x, cut);
  const laterRaw = new Float64Array(later.rows);
  predictRaw(early, later, laterRaw);
  const testRaw = new Float64Array(test.x.rows);
  predictRaw(early, test.x, testRaw);
  const laterY = train.y.subarray(cut);
  const platt = PlattCalibrator.fit(laterRaw, laterY).transform(testRaw);
  const isotonic = IsotonicCalibrator.fit(laterRaw, laterY).transform(testRaw);
  return {
    rows: `${train.x.rows} / ${test.x.rows} × ${train.x.cols}`,
    auc: rocAuc(test.y, p),
    brier: brierScore(test.y, p),
    log_loss: logLoss(test.y, p),
    fit_ms: median(times),
    platt: brierScore(test.y, platt),
    isotonic: brierScore(test.y, isotonic),
  };
}

function runReferences(manifest: string): Map<string, Reference> {
  const out = execFileSync(
    '/usr/bin/python3',
    [join(here, 'gbdt_reference.py'), '--manifest', manifest, '--repeats', String(repeats)],
    {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
    },
  );
  const refs = out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Reference);
  return new Map(refs.map((r) => [r.name, r]));
}

mkdirSync(values.out, { recursive: true });
const sets: PreparedSet[] = [
  ...readdirSync(values.data)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => prepareCibuild(join(values.data, f), values.out)),
  prepareSynthetic(values.out),
].filter((s) => values.only === undefined || s.name === values.only);
const manifest = join(values.out, 'manifest.json');
writeFileSync(manifest, JSON.stringify(sets, null, 1));

const ours = new Map<string, Ours>();
for (const set of sets) {
  process.stderr.write(`ours: ${set.name}\n`);
  ours.set(set.name, await runOurs(set));
}
process.stderr.write('XGBoost and scikit-learn…\n');
const refs = runReferences(manifest);

const mark = (ok: boolean): string => (ok ? 'yes' : '**no**');
const f4 = (v: number): string => v.toFixed(4);
const ms = (v: number): string => v.toFixed(0);
const table = (header: string[], rows: string[][]): string =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

const speedRows: string[][] = [];
const calibRows: string[][] = [];
const sum = { ours: 0, xgb: 0, hgb: 0, aucOurs: 0, aucXgb: 0, aucHgb: 0 };
for (const set of sets) {
  const o = ours.get(set.name) as Ours;
  const r = refs.get(set.name) as Reference;
  const dAuc = o.auc - r.xgboost.auc;
  const vsX = o.fit_ms / r.xgboost.fit_ms;
  const vsH = o.fit_ms / r.hgb.fit_ms;
  sum.ours += o.fit_ms;
  sum.xgb += r.xgboost.fit_ms;
  sum.hgb += r.hgb.fit_ms;
  sum.aucOurs += o.auc;
  sum.aucXgb += r.xgboost.auc;
  sum.aucHgb += r.hgb.auc;
  speedRows.push([
    set.name,
    o.rows,
    f4(o.auc),
    f4(r.xgboost.auc),
    f4(r.hgb.auc),
    `${dAuc >= 0 ? '+' : ''}${f4(dAuc)} ${mark(dAuc >= -AUC_SLACK)}`,
    ms(o.fit_ms),
    ms(r.xgboost.fit_ms),
    ms(r.hgb.fit_ms),
    `${vsX.toFixed(2)} ${mark(vsX <= VS_XGB)}`,
    `${vsH.toFixed(2)} ${mark(vsH <= VS_HGB)}`,
  ]);
  const c = r.calibrated;
  calibRows.push([
    set.name,
    f4(o.brier),
    f4(r.xgboost.brier),
    f4(r.hgb.brier),
    `${f4(o.platt)} ${mark(o.platt <= c.sigmoid_slice)}`,
    f4(c.sigmoid_slice),
    `${f4(o.isotonic)} ${mark(o.isotonic <= c.isotonic_slice)}`,
    f4(c.isotonic_slice),
    f4(c.sigmoid_cv5),
    f4(c.isotonic_cv5),
  ]);
}
const n = sets.length;
speedRows.push([
  '**mean / total**',
  '',
  f4(sum.aucOurs / n),
  f4(sum.aucXgb / n),
  f4(sum.aucHgb / n),
  '',
  ms(sum.ours),
  ms(sum.xgb),
  ms(sum.hgb),
  (sum.ours / sum.xgb).toFixed(2),
  (sum.ours / sum.hgb).toFixed(2),
]);

process.stdout.write(
  `Settings: ours num_leaves=31, n_estimators=100, learning_rate=0.1, max_bins=255 (other defaults); XGBoost ` +
    `tree_method=hist, grow_policy=lossguide, max_leaves=31, max_depth=0, max_bin=255, n_estimators=100, ` +
    `learning_rate=0.1, n_jobs=1; scikit-learn HistGradientBoostingClassifier(max_leaf_nodes=31, max_iter=100, ` +
    `learning_rate=0.1, early_stopping=False); OMP_NUM_THREADS=1. Fit times: median of ${repeats} fits, ms.\n\n`,
);
process.stdout.write(
  table(
    [
      'data set',
      'train / test × features',
      'AUC ours',
      'AUC XGBoost',
      'AUC sklearn HGB',
      `ours − XGBoost (≥ −${AUC_SLACK})`,
      'fit ours',
      'fit XGBoost',
      'fit HGB',
      `ours / XGBoost (≤ ${VS_XGB})`,
      `ours / HGB (≤ ${VS_HGB})`,
    ],
    speedRows,
  ) + '\n\n',
);
process.stdout.write(
  `Brier score on the test split. Calibrated: the model is fitted on the first ${(100 - 20).toFixed(0)}% of the ` +
    `training rows and the calibrator on the last 20%; scikit-learn's CalibratedClassifierCV wraps the HGB ` +
    `above, once with that same slice (PredefinedSplit) and once with its default cv=5. "yes" = ours no worse ` +
    `than scikit-learn on the same slice with the same method.\n\n`,
);
process.stdout.write(
  table(
    [
      'data set',
      'ours raw',
      'XGBoost raw',
      'HGB raw',
      'ours + Platt',
      'sklearn sigmoid',
      'ours + isotonic',
      'sklearn isotonic',
      'sklearn sigmoid cv=5',
      'sklearn isotonic cv=5',
    ],
    calibRows,
  ) + '\n',
);
