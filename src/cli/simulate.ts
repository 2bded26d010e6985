import type { Command } from 'commander';

/** `flexiroaster simulate`: the demo fleet as a workload file or a stream to a URL. */
export function registerSimulate(program: Command): void {
  program.command('simulate').description('Generate a labelled pipeline workload');
}
