import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/adapters/index.js';
import { composeCore } from '../../src/compose.js';
import { execution } from '../../src/monitoring/testing.js';
import { FakeClock, StoreUnavailableError } from '../../src/shared/index.js';
import { freshDataDir } from '../helpers/pglite.js';

// The service's start-up order on a real store: ready (ingest accepted and kept) before the history
// is replayed into the live state; what is ingested meanwhile counts once, after the history.
const NOW = Date.parse('2026-03-01T12:00:00Z');
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function core(dataDir: string, clock: FakeClock, warmUp: 'before' | 'background') {
  const store = await openStore({ dataDir, clock, groupCommitMs: 0 });
  const c = await composeCore({
    store,
    clock,
    windowMs: 60 * 60_000,
    maxEventsPerPipeline: 20_000,
    newId: randomUUID,
    warmUp,
  });
  return {
    core: c,
    store,
    close: async () => {
      await c.flush();
      await store.close();
    },
  };
}

describe('warm start in the background', () => {
  it('accepts ingest during warm-up and counts it exactly once in the snapshot after', async () => {
    const dataDir = await freshDataDir();
    dirs.push(dataDir);
    const clock = new FakeClock(NOW);
    // History past one scan page (5,000), so the replay is still reading while ingest goes on.
    const history = Array.from({ length: 12_000 }, (_, i) =>
      execution({
        pipeline_id: 'warm',
        execution_id: `h-${i}`,
        status: i === 11_999 ? 'running' : 'completed',
        event_time: NOW - 50 * 60_000 + i * 200,
        duration_seconds: 10,
      }),
    );
    const first = await core(dataDir, clock, 'before');
    await first.core.ingest.ingestEvents(history);
    await first.close();

    const second = await core(dataDir, clock, 'background');
    const { ingest, services } = second.core;
    const warming = second.core.warm();
    // Ready, but the windows are still being refilled: live views refuse rather than answer half.
    expect(() => services.monitoring.snapshot('warm')).toThrow(StoreUnavailableError);
    // The running run of the history finishes, and two new runs come in, while the history is replayed.
    await ingest.ingestEvents([
      execution({
        pipeline_id: 'warm',
        execution_id: 'h-11999',
        status: 'failed',
        event_time: NOW - 1000,
        duration_seconds: 10,
      }),
      execution({ pipeline_id: 'warm', execution_id: 'new-1', event_time: NOW, duration_seconds: 10 }),
    ]);
    await ingest.ingestEvents([
      execution({ pipeline_id: 'warm', execution_id: 'new-2', event_time: NOW, duration_seconds: 10 }),
    ]);
    // In the database now, beside the history the replay is still reading.
    await second.store.events.flush();
    const replayed = await warming;
    expect(replayed).toBe(12_000);
    const snap = second.core.engine.snapshot('warm');
    expect(snap?.sampled_events).toBe(12_002);
    expect(snap?.metrics.failure_rate).toBeCloseTo(1 / 12_002, 12);
    await second.close();

    // A third start reads all of it back: nothing acknowledged during warm-up was lost.
    const third = await core(dataDir, clock, 'before');
    expect(third.core.services.monitoring.snapshot('warm')?.sampled_events).toBe(12_002);
    await third.close();
  }, 180_000);
});
