import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, toError } from '../../shared/index.js';

/** One runbook file: its name without the extension, and its text. */
export interface RunbookFile {
  name: string;
  path: string;
  text: string;
}

const RUNBOOK_FILE = /\.(ya?ml|json)$/i;

/** Reads every `.yaml`, `.yml` and `.json` file of the folder, sorted by name (not recursive). */
export async function readRunbookFiles(dir: string): Promise<RunbookFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((f) => RUNBOOK_FILE.test(f)).sort();
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `cannot read the runbooks folder ${dir}: ${toError(err).message}`, {
      field: 'runbooks',
      cause: err,
    });
  }
  return Promise.all(
    names.map(async (f) => ({
      name: f.replace(RUNBOOK_FILE, ''),
      path: join(dir, f),
      text: await readFile(join(dir, f), 'utf8'),
    })),
  );
}
