import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, startStore } from '../../src/adapters/index.js';

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

  it('starts nothing for a server store (openStore connects later)', async () => {
    const started = await startStore({ dataDir: dir, databaseUrl: 'postgres://127.0.0.1:1/none' });
    expect(started.embedded).toBeNull();
    await started.abandon();
  });
});
