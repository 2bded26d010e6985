import type { Command } from 'commander';

/** `flexiroaster serve`: run the service. */
export function registerServe(program: Command): void {
  program.command('serve').description('Run the service');
}
