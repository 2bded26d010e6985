import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { SeededRng, ValidationError } from '../shared/index.js';
import { predict, trainGbdt, type GbdtModel } from '../ml/gbdt/index.js';
import type { Matrix } from '../ml/matrix.js';
import { averagePrecision, brierScore, logLoss, rocAuc } from '../ml/metrics/index.js';
import { labelledData, readCsvFile, type LabelledData } from './csv.js';

/** Labelled rows with named feature columns. */
export interface NamedSet {
  x: Matrix;
  y: Float64Array;
  featureNames: readonly string[];
}

/** Settings of `eval gbdt`: GBDT hyperparameters by their GBDT_PARAMS names, plus the split. */
export interface GbdtEvalOptions {
  params: Record<string, unknown>;
  seed: number;
  /** Share of the last training rows held out for early stopping (0 = none). */
  validFraction: number;
  onRound?: (round: number, validLoss: number) => void;
}

/** What `eval gbdt` prints for a binary objective. */
export interface BinaryEvalResult {
  auc: number;
  pr_auc: number;
  brier: number;
  log_loss: number;
  fit_ms: number;
  predict_ms: number;
  trees: number;
}

/** What `eval gbdt` prints for a regression objective. */
export interface RegressionEvalResult {
  rmse: number;
  mae: number;
  fit_ms: number;
  predict_ms: number;
  trees: number;
}

/**
 * Trains on `train` (minus its last `validFraction` of rows, used for early stopping) and scores
 * `test`. Both sets must have the same feature columns in the same order.
 */
export function evaluateGbdt(
  train: NamedSet,
  test: NamedSet,
  options: GbdtEvalOptions,
): BinaryEvalResult | RegressionEvalResult {
  const { fit, valid } = holdOutTail(train, options.validFraction);
  const t0 = performance.now();
  const model: GbdtModel = trainGbdt(fit, {
    params: options.params,
    rng: new SeededRng(options.seed),
    featureNames: train.featureNames,
    valid,
    onRound: options.onRound,
  });
  const t1 = performance.now();
  const out = new Float64Array(test.x.rows);
  predict(model, test.x, out);
  const t2 = performance.now();
  const timing = { fit_ms: t1 - t0, predict_ms: t2 - t1, trees: model.trees.length };
  if (model.params.objective === 'binary') {
    return {
      auc: rocAuc(test.y, out),
      pr_auc: averagePrecision(test.y, out),
      brier: brierScore(test.y, out),
      log_loss: logLoss(test.y, out),
      ...timing,
    };
  }
  let sq = 0;
  let abs = 0;
  for (let i = 0; i < out.length; i++) {
    const d = out[i] - test.y[i];
    sq += d * d;
    abs += Math.abs(d);
  }
  return { rmse: Math.sqrt(sq / out.length), mae: abs / out.length, ...timing };
}

function holdOutTail(
  set: NamedSet,
  fraction: number,
): { fit: NamedSet; valid?: { x: Matrix; y: Float64Array } } {
  if (fraction <= 0) return { fit: set };
  const { rows, cols, data } = set.x;
  const nValid = Math.round(rows * fraction);
  if (nValid < 1 || nValid >= rows) {
    throw new ValidationError('valid_fraction', `--valid-fraction ${fraction} leaves no rows on one side`);
  }
  const nFit = rows - nValid;
  return {
    fit: { ...set, x: { data: data.subarray(0, nFit * cols), rows: nFit, cols }, y: set.y.subarray(0, nFit) },
    valid: { x: { data: data.subarray(nFit * cols), rows: nValid, cols }, y: set.y.subarray(nFit) },
  };
}

/**
 * Keeps the feature columns numeric in both files, in the training file's order; returns the
 * two sets and the names of the columns left out.
 */
export function alignColumns(
  train: LabelledData,
  test: LabelledData,
): { train: NamedSet; test: NamedSet; leftOut: string[] } {
  const common = train.featureNames.filter((name) => test.featureNames.includes(name));
  const leftOut = [
    ...new Set([
      ...train.skipped,
      ...test.skipped,
      ...train.featureNames.filter((n) => !common.includes(n)),
      ...test.featureNames.filter((n) => !common.includes(n)),
    ]),
  ];
  return { train: pick(train, common), test: pick(test, common), leftOut };
}

function pick(set: LabelledData, names: readonly string[]): NamedSet {
  const from = names.map((n) => set.featureNames.indexOf(n));
  const { rows, cols } = set.x;
  const data = new Float64Array(rows * names.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < from.length; c++) data[r * from.length + c] = set.x.data[r * cols + from[c]];
  }
  return { x: { data, rows, cols: names.length }, y: set.y, featureNames: names };
}

/** Parses a flag's value as a finite number; range checks are left to the hyperparameter table. */
function number(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) {
      throw new ValidationError(flag, `${flag} must be a number, got "${value}"`);
    }
    return n;
  };
}

interface GbdtFlags {
  train: string;
  test: string;
  labelColumn: string;
  trees: number;
  learningRate: number;
  numLeaves: number;
  maxDepth: number;
  minSamplesLeaf: number;
  maxBins: number;
  l2: number;
  validFraction: number;
  earlyStoppingRounds: number;
  seed: number;
  objective: string;
  compat: string;
}

/** `flexiroaster eval gbdt`: train on one CSV, score another, metrics as JSON on stdout. */
export function registerEvalGbdt(evalCmd: Command): void {
  evalCmd
    .command('gbdt')
    .description('Gradient-boosted trees: train on --train, score --test, metrics as JSON')
    .requiredOption('--train <file>', 'training CSV with a header; numeric columns are the features')
    .requiredOption('--test <file>', 'test CSV with the same columns')
    .requiredOption('--label-column <name>', 'label column (0/1 for binary, a number for regression)')
    .option('--trees <n>', 'boosting rounds (n_estimators)', number('--trees'), 100)
    .option('--learning-rate <x>', 'shrinkage', number('--learning-rate'), 0.1)
    .option('--num-leaves <n>', 'most leaves per tree', number('--num-leaves'), 31)
    .option('--max-depth <n>', 'deepest leaf, -1 = no limit', number('--max-depth'), -1)
    .option('--min-samples-leaf <n>', 'fewest rows per leaf', number('--min-samples-leaf'), 20)
    .option('--max-bins <n>', 'value bins per feature (≤ 255)', number('--max-bins'), 255)
    .option('--l2 <x>', 'L2 penalty on leaf values (lambda_l2)', number('--l2'), 0)
    .option(
      '--valid-fraction <x>',
      'last share of training rows held out for early stopping',
      number('--valid-fraction'),
      0,
    )
    .option(
      '--early-stopping-rounds <n>',
      'rounds without validation improvement before stopping (with --valid-fraction)',
      number('--early-stopping-rounds'),
      10,
    )
    .option('--seed <n>', 'seed of the random generator', number('--seed'), 0)
    .option('--objective <name>', 'binary or regression', 'binary')
    .option(
      '--compat <name>',
      "none, xgboost or sklearn: grow the trees XGBoost 1.7's hist/lossguide or scikit-learn 1.2's " +
        'HistGradientBoosting grows with the same settings (then --l2 and --min-samples-leaf apply only when given)',
      'none',
    )
    .action(async (flags: GbdtFlags, cmd: Command) => {
      if (!(flags.validFraction >= 0 && flags.validFraction < 1)) {
        throw new ValidationError(
          'valid_fraction',
          `--valid-fraction must be in [0, 1), got ${flags.validFraction}`,
        );
      }
      const [trainTable, testTable] = await Promise.all([readCsvFile(flags.train), readCsvFile(flags.test)]);
      const aligned = alignColumns(
        labelledData(trainTable, flags.labelColumn),
        labelledData(testTable, flags.labelColumn),
      );
      if (aligned.leftOut.length > 0) {
        process.stderr.write(
          `left out columns that are not numeric in both files: ${aligned.leftOut.join(', ')}\n`,
        );
      }
      if (aligned.train.featureNames.length === 0) {
        throw new ValidationError('csv', 'no numeric feature columns shared by --train and --test');
      }
      process.stderr.write(
        `train ${aligned.train.x.rows} rows, test ${aligned.test.x.rows} rows, ${aligned.train.x.cols} features\n`,
      );
      const result = evaluateGbdt(aligned.train, aligned.test, {
        params: {
          objective: flags.objective,
          n_estimators: flags.trees,
          learning_rate: flags.learningRate,
          num_leaves: flags.numLeaves,
          max_depth: flags.maxDepth,
          max_bins: flags.maxBins,
          compat: flags.compat,
          // A reference's own defaults stand unless the flag was given.
          ...(flags.compat === 'none' || cmd.getOptionValueSource('minSamplesLeaf') !== 'default'
            ? { min_samples_leaf: flags.minSamplesLeaf }
            : {}),
          ...(flags.compat === 'none' || cmd.getOptionValueSource('l2') !== 'default'
            ? { lambda_l2: flags.l2 }
            : {}),
          early_stopping_rounds: flags.validFraction > 0 ? flags.earlyStoppingRounds : 0,
        },
        seed: flags.seed,
        validFraction: flags.validFraction,
        onRound: (round, loss) => {
          if ((round + 1) % 25 === 0) {
            const tail = Number.isNaN(loss) ? '' : `, validation loss ${loss.toFixed(5)}`;
            process.stderr.write(`round ${round + 1}${tail}\n`);
          }
        },
      });
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
