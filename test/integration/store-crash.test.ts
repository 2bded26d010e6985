import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/adapters/index.js';
import { storeBackends, type BackendEnv } from '../helpers/store-backends.js';

const CHILD = fileURLToPath(new URL('../helpers/crash-child.ts', import.meta.url));
const KILL_AFTER_ACKED = 3000;

/** Runs the child until it has acknowledged enough events, SIGKILLs it, returns the acked metric numbers. */
async function appendUntilKilled(dataDir: string, databaseUrl: string | undefined): Promise<Set<number>> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, STORE_DATA_DIR: dataDir, STORE_DATABASE_URL: databaseUrl ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const acked = new Set<number>();
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  for await (const line of createInterface({ input: child.stdout })) {
    const [word, from, to] = line.split(' ');
    if (word !== 'ACK') continue;
    for (let n = Number(from); n < Number(to); n++) acked.add(n);
    if (acked.size >= KILL_AFTER_ACKED && child.exitCode === null && child.signalCode === null)
      child.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');
  return acked;
}

for (const backend of await storeBackends('store_crash')) {
  describe.skipIf(backend.skip !== null)(`crash on ${backend.name}`, () => {
    let env: BackendEnv;
    beforeAll(async () => {
      env = await backend.setup();
    });
    afterAll(async () => {
      await env?.teardown();
    });

    it('keeps every acknowledged event exactly once across a SIGKILL mid-stream', async () => {
      const options = await env.storeOptions();
      const acked = await appendUntilKilled(options.dataDir, options.databaseUrl ?? undefined);
      expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKED);

      const store = await openStore(options);
      try {
        await store.events.flush();
        const { rows } = await store.sql.query<{ key: string; n: number }>(
          'SELECT key, count(*)::int AS n FROM flexiroaster_ai.events GROUP BY key',
        );
        const stored = new Map(rows.map((r) => [r.key, r.n]));
        const dups = rows.filter((r) => r.n > 1);
        if (dups.length > 0) {
          const d = await store.sql.query(
            'SELECT id::text, key, received_at FROM flexiroaster_ai.events WHERE key = $1',
            [dups[0].key],
          );
          const c = await store.sql.query('SELECT * FROM flexiroaster_ai.journal_checkpoints');
          console.log(dups.length, d.rows, c.rows, store.events.recovered, rows.length);
        }
        expect(rows.filter((r) => r.n !== 1)).toEqual([]);
        const missing = [...acked].filter((n) => !stored.has(`m:p1:${n}`));
        expect(missing).toEqual([]);
      } finally {
        await store.close();
      }
    });
  });
}
