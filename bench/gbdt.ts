// Gradient boosting vs XGBoost and scikit-learn HistGradientBoosting on the very same rows and split:
// DL-CIBuild per project (first 70% by build time → train) and a seeded synthetic set. Prints the
// markdown tables of docs/BENCHMARKS.md (progress on stderr). One thread everywhere.
//
//   npx tsx bench/gbdt.ts [--data DIR] [--out DIR] [--repeats 3] [--only NAME] [--params JSON] [--json FILE]
//
// --params overrides our hyperparameters (e.g. '{"lambda_l2":1}'); the references keep theirs.
// --json also writes every number of ours and the references, unrounded, to FILE.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { labelledData, readCsvFile } from '../src/cli/csv.js';
import {
  averageCalibrated,
  crossFitCalibrated,
  IsotonicCalibrator,
  PlattCalibrator,
  type CalibrationMethod,
} from '../src/ml/calibration/index.js';
import { predict, predictRaw, trainGbdt, type GbdtModel } from '../src/ml/gbdt/index.js';
import type { Matrix } from '../src/ml/matrix.js';
import { brierScore, logLoss, rocAuc } from '../src/ml/metrics/index.js';
import { SeededRng } from '../src/shared/index.js';
import { BENCH_DIR, SET_OPTIONS, benchParams, prepareSets, type PreparedSet } from './gbdt_data.js';

const { values } = parseArgs({
  options: {
    ...SET_OPTIONS,
    repeats: { type: 'string', default: '3' },
    json: { type: 'string' },
  },
});
const repeats = Number(values.repeats);
const PARAMS = benchParams(values.params);
const AUC_SLACK = 0.005;
const VS_XGB = 1.5;
const VS_HGB = 1.0;

interface Scores {
  auc: number;
  brier: number;
  log_loss: number;
  /** Median wall and CPU time of one fit. */
  fit_ms: number;
  fit_cpu_ms: number;
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
  platt_cv5: number;
  isotonic_cv5: number;
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

/** The given rows of a matrix, in order. */
const pick = (x: Matrix, rows: Int32Array): Matrix => {
  const data = new Float64Array(rows.length * x.cols);
  rows.forEach((r, i) => data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols));
  return { data, rows: rows.length, cols: x.cols };
};

/** Test-set probabilities of 5-fold cross-fitted calibration (CalibratedClassifierCV's cv=5). */
function crossFitted(
  train: { x: Matrix; y: Float64Array },
  test: Matrix,
  method: CalibrationMethod,
): Float64Array {
  const raw = (model: GbdtModel, x: Matrix): Float64Array => {
    const out = new Float64Array(x.rows);
    predictRaw(model, x, out);
    return out;
  };
  const members = crossFitCalibrated(
    train.y,
    { folds: 5, method },
    (rows) =>
      fit(
        pick(train.x, rows),
        Float64Array.from(rows, (r) => train.y[r]),
      ),
    (model, rows) => raw(model, pick(train.x, rows)),
  );
  return averageCalibrated(members, (model) => raw(model, test));
}

function fit(x: Matrix, y: Float64Array): GbdtModel {
  return trainGbdt({ x, y }, { rng: new SeededRng(0), params: PARAMS });
}

async function runOurs(set: PreparedSet): Promise<Ours> {
  const train = labelledData(await readCsvFile(set.train), set.label);
  const test = labelledData(await readCsvFile(set.test), set.label);
  const wall: number[] = [];
  const cpu: number[] = [];
  // One untimed fit first, so V8 has compiled the hot loops (the references are compiled code).
  let model = fit(train.x, train.y);
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    model = fit(train.x, train.y);
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
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
    fit_ms: median(wall),
    fit_cpu_ms: median(cpu),
    platt: brierScore(test.y, platt),
    isotonic: brierScore(test.y, isotonic),
    platt_cv5: brierScore(test.y, crossFitted(train, test.x, 'platt')),
    isotonic_cv5: brierScore(test.y, crossFitted(train, test.x, 'isotonic')),
  };
}

/** Runs the Python side on one data set right after ours, so both see the same machine load. */
function runReference(set: PreparedSet): Reference {
  const manifest = join(values.out, `${set.name}.manifest.json`);
  writeFileSync(manifest, JSON.stringify([set]));
  const out = execFileSync(
    '/usr/bin/python3',
    [join(BENCH_DIR, 'gbdt_reference.py'), '--manifest', manifest, '--repeats', String(repeats)],
    {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
    },
  );
  return JSON.parse(out) as Reference;
}

const sets = prepareSets(values.data, values.out, values.only);
const ours = new Map<string, Ours>();
const refs = new Map<string, Reference>();
for (const set of sets) {
  process.stderr.write(`${set.name}: ours… `);
  ours.set(set.name, await runOurs(set));
  process.stderr.write('XGBoost and scikit-learn…\n');
  refs.set(set.name, runReference(set));
}
if (values.json !== undefined) {
  writeFileSync(
    values.json,
    JSON.stringify({ ours: Object.fromEntries(ours), refs: Object.fromEntries(refs) }),
  );
}

const mark = (ok: boolean): string => (ok ? 'yes' : '**no**');
// Two Brier scores closer than this are a tie: on the same base model ours and scikit-learn's differ
// only where the calibrators' optimisers stop (our Newton steps against scipy's BFGS for Platt) and
// in summation order — at most 4.1e-9 on these sets — far below the four decimals printed.
const BRIER_TIE = 1e-6;
const noWorse = (ours: number, reference: number): boolean => ours <= reference + BRIER_TIE;
const f4 = (v: number): string => v.toFixed(4);
const ms = (v: number): string => v.toFixed(0);
const table = (header: string[], rows: string[][]): string =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

const accuracyRows: string[][] = [];
const speedRows: string[][] = [];
const calibRows: string[][] = [];
const sum = { cpu: [0, 0, 0], wall: [0, 0, 0], auc: [0, 0, 0], brier: new Array<number>(11).fill(0) };
const signed = (v: number): string => `${v >= 0 ? '+' : ''}${f4(v)}`;
const ratio = (a: number, b: number, limit: number): string =>
  `${(a / b).toFixed(2)} ${mark(a / b <= limit)}`;
for (const set of sets) {
  const o = ours.get(set.name) as Ours;
  const r = refs.get(set.name) as Reference;
  const dAuc = o.auc - r.xgboost.auc;
  [o, r.xgboost, r.hgb].forEach((m, k) => {
    sum.cpu[k] += m.fit_cpu_ms;
    sum.wall[k] += m.fit_ms;
    sum.auc[k] += m.auc;
  });
  accuracyRows.push([
    set.name,
    o.rows,
    f4(o.auc),
    f4(r.xgboost.auc),
    f4(r.hgb.auc),
    `${signed(dAuc)} ${mark(dAuc >= -AUC_SLACK)}`,
    signed(o.auc - r.hgb.auc),
  ]);
  speedRows.push([
    set.name,
    ms(o.fit_cpu_ms),
    ms(r.xgboost.fit_cpu_ms),
    ms(r.hgb.fit_cpu_ms),
    ratio(o.fit_cpu_ms, r.xgboost.fit_cpu_ms, VS_XGB),
    ratio(o.fit_cpu_ms, r.hgb.fit_cpu_ms, VS_HGB),
    `${ms(o.fit_ms)} / ${ms(r.xgboost.fit_ms)} / ${ms(r.hgb.fit_ms)}`,
    ratio(o.fit_ms, r.xgboost.fit_ms, VS_XGB),
    ratio(o.fit_ms, r.hgb.fit_ms, VS_HGB),
  ]);
  const c = r.calibrated;
  [
    o.brier,
    r.xgboost.brier,
    r.hgb.brier,
    o.platt,
    c.sigmoid_slice,
    o.isotonic,
    c.isotonic_slice,
    o.platt_cv5,
    c.sigmoid_cv5,
    o.isotonic_cv5,
    c.isotonic_cv5,
  ].forEach((v, k) => (sum.brier[k] += v));
  calibRows.push([
    set.name,
    f4(o.brier),
    f4(r.xgboost.brier),
    f4(r.hgb.brier),
    `${f4(o.platt)} ${mark(noWorse(o.platt, c.sigmoid_slice))}`,
    f4(c.sigmoid_slice),
    `${f4(o.isotonic)} ${mark(noWorse(o.isotonic, c.isotonic_slice))}`,
    f4(c.isotonic_slice),
    `${f4(o.platt_cv5)} ${mark(noWorse(o.platt_cv5, c.sigmoid_cv5))}`,
    f4(c.sigmoid_cv5),
    `${f4(o.isotonic_cv5)} ${mark(noWorse(o.isotonic_cv5, c.isotonic_cv5))}`,
    f4(c.isotonic_cv5),
  ]);
}
const n = sets.length;
accuracyRows.push(['**mean**', '', ...sum.auc.map((a) => f4(a / n)), '', '']);
calibRows.push(['**mean**', ...sum.brier.map((b) => f4(b / n))]);
speedRows.push([
  '**total**',
  ...sum.cpu.map(ms),
  ratio(sum.cpu[0], sum.cpu[1], VS_XGB),
  ratio(sum.cpu[0], sum.cpu[2], VS_HGB),
  sum.wall.map(ms).join(' / '),
  ratio(sum.wall[0], sum.wall[1], VS_XGB),
  ratio(sum.wall[0], sum.wall[2], VS_HGB),
]);

process.stdout.write(
  `Settings: ours ${Object.entries(PARAMS)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ')} (other defaults); XGBoost ` +
    `tree_method=hist, grow_policy=lossguide, max_leaves=31, max_depth=0, max_bin=255, n_estimators=100, ` +
    `learning_rate=0.1, n_jobs=1; scikit-learn HistGradientBoostingClassifier(max_leaf_nodes=31, max_iter=100, ` +
    `learning_rate=0.1, early_stopping=False); OMP_NUM_THREADS=1.\n\n`,
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
      'ours − HGB',
    ],
    accuracyRows,
  ) + '\n\n',
);
process.stdout.write(
  `Fit time in ms, median of ${repeats} fits after one untimed fit (ours), each data set's three runs back to ` +
    `back. CPU = process CPU time (user + system), which shared-machine load inflates less than wall time.\n\n`,
);
process.stdout.write(
  table(
    [
      'data set',
      'CPU ours',
      'CPU XGBoost',
      'CPU HGB',
      `ours / XGBoost (≤ ${VS_XGB})`,
      `ours / HGB (≤ ${VS_HGB})`,
      'wall ours / XGBoost / HGB',
      'wall ours / XGBoost',
      'wall ours / HGB',
    ],
    speedRows,
  ) + '\n\n',
);
process.stdout.write(
  `Brier score on the test split. Calibrated: the model is fitted on the first ${(100 - 20).toFixed(0)}% of the ` +
    `training rows and the calibrator on the last 20%; scikit-learn's CalibratedClassifierCV wraps the HGB ` +
    `above, once with that same slice (PredefinedSplit) and once with its default cv=5 (ours cross-fitted ` +
    `the same way: 5 stratified folds, each fold's model calibrated on the rows it did not see, probabilities ` +
    `averaged). "yes" = ours no worse than scikit-learn with the same slice or folds and the same method (closer than 1e-6 counts as a tie).\n\n`,
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
      'ours + Platt cv=5',
      'sklearn sigmoid cv=5',
      'ours + isotonic cv=5',
      'sklearn isotonic cv=5',
    ],
    calibRows,
  ) + '\n',
);
