import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { lockDirectory } from './lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('refuses a folder another live process holds, and frees it on release', async () => {
  const release = await lockDirectory(dir);
  await expect(lockDirectory(dir)).rejects.toThrow(/in use by process/);
  await release();
  const again = await lockDirectory(dir);
  await again();
});

it('takes over a lock left by a process that is gone', async () => {
  // pid 2^22 + 1 is above Linux's pid_max default ceiling, so no process has it.
  await writeFile(join(dir, 'LOCK'), String(4_194_305));
  const release = await lockDirectory(dir);
  await release();
});
