import type { Command } from 'commander';

/** `flexiroaster eval …`: measure the engines on files. Each evaluator registers itself here. */
export function registerEval(program: Command): void {
  program.command('eval').description('Evaluate models and detectors on data files (JSON on stdout)');
}
