/**
 * PGlite for tests. initdb costs several seconds, so one initialised data folder is made per
 * machine (in the OS temp dir, per PGlite version) and each test copies it (≈1 s to open).
 */
import { cp, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPgliteClient } from '../../src/adapters/internal.js';
import type { ClosableSqlClient } from '../../src/adapters/index.js';

export interface TestPglite {
  sql: ClosableSqlClient;
  /** The data folder (removed by close). */
  dir: string;
  close(): Promise<void>;
}

/** The pinned PGlite version, so an upgrade gets a new template. */
async function pgliteVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  return pkg.dependencies['@electric-sql/pglite'];
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The shared initialised data folder, made on first use. */
async function templateDir(): Promise<string> {
  const final = join(tmpdir(), `flexiroaster-pglite-template-${await pgliteVersion()}`);
  if (await exists(join(final, 'PG_VERSION'))) return final;
  const building = await mkdtemp(join(tmpdir(), 'flexiroaster-pglite-build-'));
  const client = await openPgliteClient({ dataDir: building });
  await client.close();
  // Another test file may have finished first; keep whichever landed.
  await rename(building, final).catch(() => rm(building, { recursive: true, force: true }));
  return final;
}

/** A temp folder laid out as openStore expects (`<dir>/pgdata` initialised); remove it when done. */
export async function freshDataDir(): Promise<string> {
  const template = await templateDir();
  const dir = await mkdtemp(join(tmpdir(), 'flexiroaster-store-'));
  await cp(template, join(dir, 'pgdata'), { recursive: true });
  return dir;
}

/** A PGlite of its own for one test file, on a copy of the template. */
export async function openTestPglite(): Promise<TestPglite> {
  const dir = await freshDataDir();
  const sql = await openPgliteClient({ dataDir: join(dir, 'pgdata') });
  return {
    sql,
    dir,
    close: async () => {
      await sql.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
