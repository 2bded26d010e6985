import type { Command } from 'commander';
import { registerEvalGbdt } from './eval-gbdt.js';
import { registerEvalIforest } from './eval-iforest.js';
import { registerEvalNab } from './eval-nab.js';
import { registerEvalLogs } from './eval-logs.js';
import { registerEvalPrediction } from './eval-prediction.js';

/** `flexiroaster eval …`: measure the engines on files. Each evaluator registers itself here. */
export function registerEval(program: Command): void {
  const evalCmd = program
    .command('eval')
    .description('Evaluate models and detectors on data files (JSON on stdout)');
  registerEvalIforest(evalCmd);
  registerEvalGbdt(evalCmd);
  registerEvalNab(evalCmd);
  registerEvalLogs(evalCmd);
  registerEvalPrediction(evalCmd);
}
