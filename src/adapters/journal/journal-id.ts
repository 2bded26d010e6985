import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory } from './segments.js';

/**
 * The journal's identity (a UUID in `<dir>/ID`, created on first use). Several service processes
 * can share one server database; each journal keeps its own checkpoint under this id.
 */
export async function readOrCreateJournalId(dir: string): Promise<string> {
  const path = join(dir, 'ID');
  const existing = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (existing !== null && existing.trim() !== '') return existing.trim();
  const id = randomUUID();
  const tmp = `${path}.tmp`;
  await writeFile(tmp, id, { flush: true });
  await rename(tmp, path);
  await syncDirectory(dir);
  return id;
}
