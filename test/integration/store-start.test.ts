import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, startStore } from '../../src/adapters/index.js';
import { compileServeConfig } from '../../src/config/index.js';
import { startService } from '../../src/main.js';

describe('startStore (the store opened in two steps, PGlite meanwhile)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'store-start-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('locks the folder at once; openStore takes over the database it started', async () => {
    const started = await startStore({ dataDir: dir });
    await expect(startStore({ dataDir: dir })).rejects.toThrow(/in use by process/);
    const store = await openStore({ dataDir: dir, started, groupCommitMs: 0 });
    expect(store.backend).toBe('pglite');
    expect(store.migrations.applied.length).toBeGreaterThan(0);
    await store.close();
    // Closed: the folder is free again, and a second start finds every migration in place.
    const again = await openStore({ dataDir: dir, groupCommitMs: 0 });
    expect(again.migrations.applied).toEqual([]);
    await again.close();
  });

  it('abandon closes the database it started and frees the folder', async () => {
    const started = await startStore({ dataDir: dir, inMemory: true });
    await started.abandon();
    await expect(stat(join(dir, 'LOCK'))).rejects.toThrow(/ENOENT/);
    const next = await startStore({ dataDir: dir, inMemory: true });
    await next.abandon();
  });

  it('a service start that fails before the store opens (bad runbooks) closes what it began', async () => {
    const config = compileServeConfig({
      flags: { dataDir: dir, runbooks: join(dir, 'no-such-folder'), port: 0 },
      env: {},
    });
    const started = await startStore({ dataDir: dir });
    await expect(
      startService(config, { logger: pino({ level: 'silent' }), storeStart: started }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(stat(join(dir, 'LOCK'))).rejects.toThrow(/ENOENT/);
    // Closed, not merely unlocked.
    const db = await started.embedded;
    await expect(db?.query('SELECT 1')).rejects.toThrow();
  });

  it('starts nothing for a server store (openStore connects later)', async () => {
    const started = await startStore({ dataDir: dir, databaseUrl: 'postgres://127.0.0.1:1/none' });
    expect(started.embedded).toBeNull();
    await started.abandon();
  });
});
