import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { ValidationError, toError } from '../shared/index.js';
import { averagePrecision, brierScore, rocAuc, timeOrderedSplit } from '../ml/index.js';
import {
  historyFeatureNames,
  historyFeatures,
  predictFailures,
  trainFailureModel,
  type TrainFailureOptions,
  type TrainingRow,
} from '../prediction/index.js';
import { readCsvFile } from './csv.js';
import { groupTables, type Group, type NamedTable } from './prediction-groups.js';

/** One group's test metrics; null where the test part cannot measure them. */
export interface GroupResult {
  group: string;
  rows: number;
  test_rows: number;
  auc: number | null;
  pr_auc: number | null;
  brier: number | null;
}

/** What `eval prediction` prints. */
export interface PredictionEvalResult {
  groups: GroupResult[];
  auc_mean: number | null;
  brier_mean: number | null;
}

export interface GroupEvalOptions {
  /** Share of each group's earliest rows to train on. */
  trainFraction: number;
  /** Append history features derived from the label sequence. */
  history: boolean;
  /** Passed to the failure model's training. */
  training?: TrainFailureOptions;
}

/** A group's features, with the point-in-time history of its labels appended when asked. */
export function groupFeatures(g: Group, history: boolean): { x: Float64Array; names: string[] } {
  if (!history) return { x: g.x, names: g.featureNames };
  const hist = historyFeatures(Array.from(g.y, (y, i) => ({ failed: y === 1, time: g.times[i] })));
  const names = [...g.featureNames, ...historyFeatureNames()];
  const base = g.featureNames.length;
  const cols = names.length;
  const x = new Float64Array(g.y.length * cols);
  for (let r = 0; r < g.y.length; r++) {
    x.set(g.x.subarray(r * base, (r + 1) * base), r * cols);
    x.set(hist[r], r * cols + base);
  }
  return { x, names };
}

function hasBothClasses(y: Float64Array): boolean {
  let pos = 0;
  for (const v of y) pos += v;
  return pos > 0 && pos < y.length;
}

/**
 * Trains a failure model on the first `trainFraction` of a group's rows (by time) and scores the
 * rest with its calibrated probabilities. `why` says why a metric is null.
 */
export function evaluateGroup(g: Group, options: GroupEvalOptions): GroupResult & { why?: string } {
  const n = g.y.length;
  const { x, names } = groupFeatures(g, options.history);
  const order = Float64Array.from(g.times, (t, i) => (Number.isNaN(t) ? i : t));
  const { train, test } = n >= 2 ? timeOrderedSplit(order, options.trainFraction) : { train: [], test: [] };
  const result = { group: g.group, rows: n, test_rows: test.length, auc: null, pr_auc: null, brier: null };
  if (train.length === 0 || test.length === 0) {
    return { ...result, why: `${n} rows leave no rows to train on or to test` };
  }
  const cols = names.length;
  const row = (i: number): Float64Array => x.subarray(i * cols, (i + 1) * cols);
  const trainRows: TrainingRow[] = Array.from(train, (i) => ({
    time: order[i],
    features: row(i),
    label: g.y[i] === 1 ? 1 : 0,
  }));
  const model = trainFailureModel(trainRows, names, options.training);
  const testX = new Float64Array(test.length * cols);
  test.forEach((i, r) => testX.set(row(i), r * cols));
  const p = new Float64Array(test.length);
  predictFailures(model, { data: testX, rows: test.length, cols }, p);
  const testY = Float64Array.from(test, (i) => g.y[i]);
  const brier = brierScore(testY, p);
  if (!hasBothClasses(testY)) return { ...result, brier, why: 'the test rows hold one outcome only' };
  return { ...result, auc: rocAuc(testY, p), pr_auc: averagePrecision(testY, p), brier };
}

function meanOf(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
}

/** Evaluates every group (progress through `log`) and averages the metrics over groups. */
export function evaluateGroups(
  groups: readonly Group[],
  options: GroupEvalOptions,
  log: (line: string) => void,
): PredictionEvalResult {
  const results = groups.map((g) => {
    const { why, ...r } = evaluateGroup(g, options);
    const auc = r.auc === null ? 'auc n/a' : `auc ${r.auc.toFixed(3)}`;
    log(`${g.group}: ${r.rows} rows, ${r.test_rows} tested, ${auc}${why ? ` (${why})` : ''}`);
    return r;
  });
  return {
    groups: results,
    auc_mean: meanOf(results.map((r) => r.auc)),
    brier_mean: meanOf(results.map((r) => r.brier)),
  };
}

async function readTables(files: readonly string[]): Promise<NamedTable[]> {
  return Promise.all(files.map(async (f) => ({ name: basename(f, '.csv'), table: await readCsvFile(f) })));
}

async function csvFilesIn(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new ValidationError('dir', `cannot read ${dir}: ${toError(err).message}`, { cause: err });
  }
  const csv = names.filter((n) => n.toLowerCase().endsWith('.csv')).sort();
  if (csv.length === 0) throw new ValidationError('dir', `${dir} holds no .csv file`);
  return csv.map((n) => join(dir, n));
}

function fraction(value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !(v > 0 && v < 1)) {
    throw new ValidationError(
      'train_fraction',
      `--train-fraction must be a number in (0, 1), got "${value}"`,
    );
  }
  return v;
}

interface PredictionFlags {
  csv?: string[];
  dir?: string;
  labelColumn: string;
  timeColumn?: string;
  groupColumn?: string;
  trainFraction: number;
  history?: boolean;
}

/** `flexiroaster eval prediction`: per-group time-split evaluation of the failure model. */
export function registerEvalPrediction(evalCmd: Command): void {
  evalCmd
    .command('prediction')
    .description('Failure prediction: per group, train on the earliest rows by time, score the rest (JSON)')
    .option('--csv <files...>', 'CSV files with a header (one group per file unless --group-column)')
    .option('--dir <dir>', 'read every .csv file of this folder')
    .requiredOption('--label-column <name>', 'outcome column: 1/true = failed, 0/false = succeeded')
    .option(
      '--time-column <name>',
      'start time (ISO-8601, "YYYY-MM-DD H:MM", epoch s or ms); rows sort by it',
    )
    .option('--group-column <name>', 'column that splits rows into groups (e.g. a pipeline or project id)')
    .option('--train-fraction <x>', 'share of each group’s earliest rows to train on', fraction, 0.7)
    .option('--history', 'add point-in-time history features derived from the label sequence')
    .action(async (flags: PredictionFlags) => {
      if ((flags.csv === undefined) === (flags.dir === undefined)) {
        throw new ValidationError('csv', 'give either --csv FILE ... or --dir DIR');
      }
      const files = flags.csv ?? (await csvFilesIn(flags.dir ?? ''));
      const log = (line: string): boolean => process.stderr.write(`${line}\n`);
      log(`reading ${files.length} file${files.length === 1 ? '' : 's'}`);
      const { groups, leftOut } = groupTables(await readTables(files), {
        label: flags.labelColumn,
        time: flags.timeColumn,
        group: flags.groupColumn,
      });
      if (leftOut.length > 0) log(`left out columns that are not numeric: ${leftOut.join(', ')}`);
      if (groups.every((g) => g.featureNames.length === 0) && !flags.history) {
        throw new ValidationError(
          'csv',
          'no numeric feature columns (add --history to use the outcome history)',
        );
      }
      const result = evaluateGroups(
        groups,
        { trainFraction: flags.trainFraction, history: flags.history === true },
        log,
      );
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
