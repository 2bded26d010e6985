// How much one training row moves each model's test ROC-AUC on the sets of bench/gbdt.ts: ours,
// XGBoost and HistGradientBoosting (same settings as there) are refitted with one training row left
// out, for the same seeded rows, and the AUC of the full fit is set against that spread; plus XGBoost
// on all rows started from the training positive rate instead of 1.7's fixed 0.5. Prints one markdown
// table (progress on stderr).
//
//   npx tsx bench/gbdt_noise.ts [--drops 10] [--seed 1] [--data DIR] [--out DIR] [--only NAME] [--params JSON]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { labelledData, readCsvFile } from '../src/cli/csv.js';
import { predict, trainGbdt } from '../src/ml/gbdt/index.js';
import type { Matrix } from '../src/ml/matrix.js';
import { rocAuc } from '../src/ml/metrics/index.js';
import { SeededRng } from '../src/shared/index.js';
import { BENCH_DIR, SET_OPTIONS, benchParams, prepareSets, type PreparedSet } from './gbdt_data.js';

const { values } = parseArgs({
  options: {
    ...SET_OPTIONS,
    drops: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
  },
});
const PARAMS = benchParams(values.params);
const AUC_SLACK = 0.005;

interface Aucs {
  full: number;
  dropped: number[];
}
interface Reference {
  name: string;
  xgboost_prior_full: number;
  xgboost: Aucs;
  hgb: Aucs;
}

/** The training rows without row `r`. */
function without(x: Matrix, y: Float64Array, r: number): { x: Matrix; y: Float64Array } {
  const data = new Float64Array((x.rows - 1) * x.cols);
  data.set(x.data.subarray(0, r * x.cols));
  data.set(x.data.subarray((r + 1) * x.cols), r * x.cols);
  const labels = new Float64Array(y.length - 1);
  labels.set(y.subarray(0, r));
  labels.set(y.subarray(r + 1), r);
  return { x: { data, rows: x.rows - 1, cols: x.cols }, y: labels };
}

interface Split {
  train: { x: Matrix; y: Float64Array };
  test: { x: Matrix; y: Float64Array };
}

function runOurs({ train, test }: Split, dropRows: number[]): Aucs {
  const p = new Float64Array(test.x.rows);
  const auc = (x: Matrix, y: Float64Array): number => {
    predict(trainGbdt({ x, y }, { rng: new SeededRng(0), params: PARAMS }), test.x, p);
    return rocAuc(test.y, p);
  };
  return {
    full: auc(train.x, train.y),
    dropped: dropRows.map((r) => {
      const rest = without(train.x, train.y, r);
      return auc(rest.x, rest.y);
    }),
  };
}

function runReference(set: PreparedSet, dropRows: number[]): Reference {
  const manifest = join(values.out, `${set.name}.noise.json`);
  writeFileSync(manifest, JSON.stringify([{ ...set, drop_rows: dropRows }]));
  const out = execFileSync(
    '/usr/bin/python3',
    [join(BENCH_DIR, 'gbdt_noise_reference.py'), '--manifest', manifest],
    {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
    },
  );
  return JSON.parse(out) as Reference;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]): number => Math.sqrt(mean(xs.map((v) => (v - mean(xs)) ** 2)));
const f4 = (v: number): string => v.toFixed(4);
const signed = (v: number): string => `${v >= 0 ? '+' : ''}${f4(v)}`;
const mark = (ok: boolean): string => (ok ? 'yes' : '**no**');

const sets = prepareSets(values.data, values.out, values.only);

const rows: string[] = [];
const totals = { ours: 0, xgb: 0, hgb: 0 };
let metFull = 0;
let metMean = 0;
for (const set of sets) {
  const split: Split = {
    train: labelledData(await readCsvFile(set.train), set.label),
    test: labelledData(await readCsvFile(set.test), set.label),
  };
  const rng = new SeededRng(Number(values.seed));
  const dropRows = Array.from({ length: Number(values.drops) }, () => rng.int(split.train.x.rows));
  process.stderr.write(`${set.name}: ours… `);
  const ours = runOurs(split, dropRows);
  process.stderr.write('XGBoost and scikit-learn…\n');
  const ref = runReference(set, dropRows);
  const x = ref.xgboost;
  const dFull = ours.full - x.full;
  const dMean = mean(ours.dropped) - mean(x.dropped);
  metFull += dFull >= -AUC_SLACK ? 1 : 0;
  metMean += dMean >= -AUC_SLACK ? 1 : 0;
  totals.ours += mean(ours.dropped);
  totals.xgb += mean(x.dropped);
  totals.hgb += mean(ref.hgb.dropped);
  const below = x.dropped.filter((v) => v < x.full).length;
  rows.push(
    `| ${set.name} | ${f4(ours.full)} | ${f4(x.full)} | ${signed(dFull)} ${mark(dFull >= -AUC_SLACK)} | ` +
      `${f4(mean(ours.dropped))} ± ${f4(sd(ours.dropped))} | ${f4(mean(x.dropped))} ± ${f4(sd(x.dropped))} | ` +
      `${f4(mean(ref.hgb.dropped))} ± ${f4(sd(ref.hgb.dropped))} | ${f4(Math.min(...x.dropped))}–${f4(Math.max(...x.dropped))} | ` +
      `${below} / ${x.dropped.length} | ${signed(dMean)} ${mark(dMean >= -AUC_SLACK)} | ${f4(ref.xgboost_prior_full)} |`,
  );
}
const n = sets.length;
process.stdout.write(
  `Settings: ours ${Object.entries(PARAMS)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ')} (other defaults); XGBoost and HGB as in bench/gbdt.ts. ` +
    `${values.drops} refits per model and set, each without one training row (rows drawn with seed ${values.seed}, ` +
    `the same rows for all three).\n\n`,
);
process.stdout.write(
  [
    `| data set | AUC ours, all rows | AUC XGBoost, all rows | ours − XGBoost (≥ −${AUC_SLACK}) | ours, one row out: mean ± sd | XGBoost, one row out | HGB, one row out | XGBoost one row out: min–max | XGBoost refits below its all-rows AUC | ours − XGBoost, means (≥ −${AUC_SLACK}) | XGBoost from the prior, all rows |`,
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    `| **mean** |  |  | ${metFull} / ${n} met |  ${f4(totals.ours / n)} | ${f4(totals.xgb / n)} | ${f4(totals.hgb / n)} |  |  | ${metMean} / ${n} met |  |`,
  ].join('\n') + '\n',
);
