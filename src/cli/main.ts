import { CommanderError } from 'commander';
import { toError } from '../shared/index.js';
import { buildProgram } from './program.js';

/** Entry of the `flexiroaster` binary: bad input exits 1 with a message, never a stack trace. */
export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    const e = toError(err);
    process.stderr.write(`flexiroaster: ${e.message}\n`);
    process.exitCode = 1;
  }
}

await main(process.argv.slice(2));
