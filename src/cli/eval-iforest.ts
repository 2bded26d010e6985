import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { InvalidArgumentError, type Command } from 'commander';
import { SeededRng, ValidationError } from '../shared/index.js';
import { IsolationForest } from '../ml/iforest/index.js';
import type { Matrix } from '../ml/matrix.js';
import { rocAuc } from '../ml/metrics/index.js';
import { labelledData, readCsvFile } from './csv.js';

/** Settings of an unsupervised Isolation Forest evaluation. */
export interface IforestEvalOptions {
  trees: number;
  maxSamples: number;
  seeds: number;
  /** Called after each seed, e.g. to report progress. */
  onSeed?: (seed: number, auc: number, ms: number) => void;
}

/** What `eval iforest` prints; times are means per seed. */
export interface IforestEvalResult {
  auc_mean: number;
  auc_std: number;
  auc_per_seed: number[];
  fit_ms: number;
  score_ms: number;
}

/**
 * Fits on all rows without the label and scores the same rows, for seeds 0 … seeds−1 (as published
 * unsupervised results do); the AUC takes −score_samples as the outlier score and label 1 as outlier.
 */
export function evaluateIforest(x: Matrix, y: Float64Array, options: IforestEvalOptions): IforestEvalResult {
  const aucs: number[] = [];
  let fitMs = 0;
  let scoreMs = 0;
  const scores = new Float64Array(x.rows);
  for (let seed = 0; seed < options.seeds; seed++) {
    const t0 = performance.now();
    const forest = IsolationForest.fit(x, new SeededRng(seed), {
      n_estimators: options.trees,
      max_samples: options.maxSamples,
    });
    const t1 = performance.now();
    forest.scoreSamples(x, scores);
    const t2 = performance.now();
    for (let i = 0; i < scores.length; i++) scores[i] = -scores[i];
    const auc = rocAuc(y, scores);
    aucs.push(auc);
    fitMs += t1 - t0;
    scoreMs += t2 - t1;
    options.onSeed?.(seed, auc, t2 - t0);
  }
  const mean = aucs.reduce((s, a) => s + a, 0) / aucs.length;
  const variance = aucs.reduce((s, a) => s + (a - mean) ** 2, 0) / aucs.length;
  return {
    auc_mean: mean,
    auc_std: Math.sqrt(variance),
    auc_per_seed: aucs,
    fit_ms: fitMs / options.seeds,
    score_ms: scoreMs / options.seeds,
  };
}

/** Parses a whole-number option at least `min`; commander reports the flag and exits 1 otherwise. */
function wholeNumber(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`must be a whole number ≥ ${min}.`);
    return n;
  };
}

/** `flexiroaster eval iforest`: unsupervised Isolation Forest ROC-AUC over seeds, JSON on stdout. */
export function registerEvalIforest(evalCmd: Command): void {
  evalCmd
    .command('iforest')
    .description('Isolation Forest: fit on all rows without the label, score them, ROC-AUC over seeds')
    .requiredOption('--csv <file>', 'CSV with a header; numeric columns are the features')
    .option('--label-column <name>', 'label column, 1 = outlier (not used for fitting)', 'label')
    .option('--trees <n>', 'trees per forest', wholeNumber(1), 100)
    .option('--max-samples <n>', 'rows drawn per tree (capped at the row count)', wholeNumber(2), 256)
    .option('--seeds <n>', 'seeds 0 … n−1 to average over', wholeNumber(1), 20)
    .action(
      async (opts: {
        csv: string;
        labelColumn: string;
        trees: number;
        maxSamples: number;
        seeds: number;
      }) => {
        const data = labelledData(await readCsvFile(opts.csv), opts.labelColumn);
        if (data.skipped.length > 0)
          process.stderr.write(`left out non-numeric columns: ${data.skipped.join(', ')}\n`);
        if (data.featureNames.length === 0)
          throw new ValidationError('csv', `${opts.csv}: no numeric feature columns`);
        process.stderr.write(
          `${opts.csv}: ${data.x.rows} rows × ${data.x.cols} features, ${opts.seeds} seeds\n`,
        );
        const result = evaluateIforest(data.x, data.y, {
          trees: opts.trees,
          maxSamples: opts.maxSamples,
          seeds: opts.seeds,
          onSeed: (seed, auc, ms) =>
            process.stderr.write(
              `seed ${seed + 1}/${opts.seeds}: auc ${auc.toFixed(4)} in ${ms.toFixed(1)} ms\n`,
            ),
        });
        const out = { dataset: basename(opts.csv), rows: data.x.rows, ...result };
        process.stdout.write(`${JSON.stringify(out)}\n`);
      },
    );
}
