// Our calibrators against scikit-learn's on the very same scores: our GBDT is fitted on the first 80%
// of each training split of bench/gbdt.ts, then our Platt / isotonic and scikit-learn's sigmoid /
// IsotonicRegression are fitted on its raw scores of the last 20% and applied to its test scores.
// Prints one markdown table: the test Brier of each, the largest probability difference, and how many
// test scores fall outside the range of the calibration scores (both calibrators clip those to an end).
//
//   npx tsx bench/gbdt_calibrators.ts [--data DIR] [--out DIR] [--only NAME] [--params JSON]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { labelledData, readCsvFile } from '../src/cli/csv.js';
import { IsotonicCalibrator, PlattCalibrator } from '../src/ml/calibration/index.js';
import { predictRaw, trainGbdt } from '../src/ml/gbdt/index.js';
import type { Matrix } from '../src/ml/matrix.js';
import { brierScore } from '../src/ml/metrics/index.js';
import { SeededRng } from '../src/shared/index.js';
import { BENCH_DIR, SET_OPTIONS, benchParams, prepareSets, type PreparedSet } from './gbdt_data.js';

const { values } = parseArgs({
  options: {
    ...SET_OPTIONS,
  },
});
const PARAMS = benchParams(values.params);

interface Scored {
  name: string;
  calib_scores: number[];
  calib_labels: number[];
  test_scores: number[];
  test_labels: Float64Array;
  platt: Float64Array;
  isotonic: Float64Array;
}

const rows = (x: Matrix, from: number, to: number): Matrix => ({
  data: x.data.subarray(from * x.cols, to * x.cols),
  rows: to - from,
  cols: x.cols,
});

async function score(set: PreparedSet): Promise<Scored> {
  const train = labelledData(await readCsvFile(set.train), set.label);
  const test = labelledData(await readCsvFile(set.test), set.label);
  const cut = set.calib_cut;
  const model = trainGbdt(
    { x: rows(train.x, 0, cut), y: train.y.subarray(0, cut) },
    { rng: new SeededRng(0), params: PARAMS },
  );
  const calibScores = new Float64Array(train.x.rows - cut);
  predictRaw(model, rows(train.x, cut, train.x.rows), calibScores);
  const testScores = new Float64Array(test.x.rows);
  predictRaw(model, test.x, testScores);
  const calibLabels = train.y.subarray(cut);
  return {
    name: set.name,
    calib_scores: Array.from(calibScores),
    calib_labels: Array.from(calibLabels),
    test_scores: Array.from(testScores),
    test_labels: test.y,
    platt: PlattCalibrator.fit(calibScores, calibLabels).transform(testScores),
    isotonic: IsotonicCalibrator.fit(calibScores, calibLabels).transform(testScores),
  };
}

const sets = prepareSets(values.data, values.out, values.only);
const scored: Scored[] = [];
for (const set of sets) scored.push(await score(set));
const file = join(values.out, 'calibrator-scores.json');
writeFileSync(file, JSON.stringify({ sets: scored }));
const theirs = JSON.parse(
  execFileSync('/usr/bin/python3', [join(BENCH_DIR, 'gbdt_calibrators_reference.py'), '--scores', file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 28,
  }),
) as { name: string; isotonic: number[]; sigmoid: number[] }[];

const f4 = (v: number): string => v.toFixed(4);
const maxDiff = (a: Float64Array, b: number[]): number =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const lines = scored.map((s, i) => {
  const t = theirs[i];
  const y = s.test_labels;
  const lo = Math.min(...s.calib_scores);
  const hi = Math.max(...s.calib_scores);
  const below = s.test_scores.filter((v) => v < lo).length;
  const above = s.test_scores.filter((v) => v > hi).length;
  return (
    `| ${s.name} | ${f4(brierScore(y, s.platt))} | ${f4(brierScore(y, Float64Array.from(t.sigmoid)))} | ` +
    `${maxDiff(s.platt, t.sigmoid).toExponential(1)} | ${f4(brierScore(y, s.isotonic))} | ` +
    `${f4(brierScore(y, Float64Array.from(t.isotonic)))} | ${maxDiff(s.isotonic, t.isotonic).toExponential(1)} | ` +
    `${below} / ${above} of ${s.test_scores.length} |`
  );
});
process.stdout.write(
  [
    '| data set | ours + our Platt | ours + sklearn sigmoid | max abs Δp | ours + our isotonic | ours + sklearn isotonic | max abs Δp | test scores below / above the calibration range |',
    '|---|---|---|---|---|---|---|---|',
    ...lines,
  ].join('\n') + '\n',
);
