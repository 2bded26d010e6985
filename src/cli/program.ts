import { Command } from 'commander';
import { registerEval } from './eval.js';
import { registerServe } from './serve.js';
import { registerSimulate } from './simulate.js';

/** The `flexiroaster` command with every subcommand registered. */
export function buildProgram(): Command {
  const program = new Command('flexiroaster')
    .description('FlexiRoaster AI: self-healing backend for data pipelines')
    .showHelpAfterError()
    .exitOverride();
  registerServe(program);
  registerSimulate(program);
  registerEval(program);
  return program;
}
