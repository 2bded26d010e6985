import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../domain/index.js';
import { MonitoringEngine } from '../monitoring/index.js';
import { MIN, T0, execution } from '../monitoring/testing.js';
import type { EventStore } from '../ports/index.js';
import { FakeClock, StoreUnavailableError } from '../shared/index.js';
import { IngestService, type AcceptedEvent } from './ingest-service.js';
import { WarmGate, liveConsumer, openHistoryReplay, type HistoryConsumer } from './rebuild.js';

/** A store whose scan yields the given pages (whatever the since) and records appends. */
const fakeStore = (pages: TelemetryEvent[][], appended: TelemetryEvent[] = []): EventStore =>
  ({
    append: async (events: readonly TelemetryEvent[]) => void appended.push(...events),
    async *scanSince() {
      yield* pages;
    },
  }) as unknown as EventStore;

const recorder = (sinceMs: number) => {
  const seen: string[] = [];
  const consumer: HistoryConsumer & { finished: boolean } = {
    sinceMs,
    finished: false,
    observe: (e) => void seen.push(e.key),
    finish: async () => void (consumer.finished = true),
  };
  return { consumer, seen };
};

describe('openHistoryReplay', () => {
  it('reads the history once and shows each consumer only its own part, then finishes each', async () => {
    const old = execution({ execution_id: 'old', event_time: T0 - 90 * MIN });
    const recent = execution({ execution_id: 'recent', event_time: T0 - 10 * MIN });
    const now = execution({ execution_id: 'now', event_time: T0 });
    const wide = recorder(T0 - 120 * MIN);
    const narrow = recorder(T0 - 30 * MIN);
    const replay = await openHistoryReplay(fakeStore([[old, recent], [now]]), [
      wide.consumer,
      narrow.consumer,
    ]);
    expect(replay.hasHistory).toBe(true);
    expect(wide.seen).toEqual([]); // nothing is fed before run()
    await expect(replay.run()).resolves.toBe(3);
    expect(wide.seen).toEqual([old.key, recent.key, now.key]);
    expect(narrow.seen).toEqual([recent.key, now.key]);
    expect([wide.consumer.finished, narrow.consumer.finished]).toEqual([true, true]);
  });

  it('opens the scan with a small first page, so the start waits on few events', async () => {
    const asked: [number | undefined, number | undefined][] = [];
    const store = {
      async *scanSince(_since: number, pageSize?: number, firstPageSize?: number) {
        asked.push([pageSize, firstPageSize]);
        yield [execution({ execution_id: 'r0', event_time: T0 })];
      },
    } as unknown as EventStore;
    await openHistoryReplay(store, [recorder(T0).consumer]);
    const [[pageSize, firstPageSize]] = asked;
    expect(firstPageSize).toBeLessThan(pageSize ?? 0);
    expect(firstPageSize).toBeLessThanOrEqual(100);
  });

  it('says when the store holds no history', async () => {
    const replay = await openHistoryReplay(fakeStore([]), [recorder(T0).consumer]);
    expect(replay.hasHistory).toBe(false);
    await expect(replay.run()).resolves.toBe(0);
  });
});

describe('WarmGate', () => {
  it('holds what is ingested during warm-up and applies it once, after the history, in arrival order', async () => {
    const clock = new FakeClock(T0);
    const engine = new MonitoringEngine({ windowMs: 60 * MIN, maxEventsPerPipeline: 1000, clock });
    const told: AcceptedEvent[][] = [];
    const gate = new WarmGate(engine, [(accepted) => told.push([...accepted])], (err) => {
      throw err;
    });
    const appended: TelemetryEvent[] = [];
    const running = execution({ execution_id: 'r1', status: 'running', event_time: T0 - 5 * MIN });
    const history = [[running, execution({ execution_id: 'r0', event_time: T0 - 20 * MIN })]];
    const ingest = new IngestService({
      store: fakeStore(history, appended),
      live: gate.sink,
      clock,
      newId: () => 'id',
      listeners: gate.gated,
    });
    const replay = await openHistoryReplay(fakeStore(history), [liveConsumer(engine, T0 - 120 * MIN)]);

    // During warm-up: the later state of a stored run, and a new run, are accepted and kept...
    const done = execution({ execution_id: 'r1', status: 'failed', event_time: T0 - 1 * MIN });
    const fresh = execution({ execution_id: 'r2', event_time: T0 });
    await ingest.ingestEvents([done]);
    await ingest.ingestEvents([fresh]);
    expect(appended).toEqual([done, fresh]);
    // ...but not yet applied or told, and the live views refuse to answer from half a window.
    expect(engine.has('p1')).toBe(false);
    expect(told).toEqual([]);
    expect(() => gate.refuseWhileWarming()).toThrow(StoreUnavailableError);

    await replay.run().finally(() => gate.open());
    expect(gate.warming).toBe(false);
    expect(() => gate.refuseWhileWarming()).not.toThrow();
    // r0 and r1 from the history, r1's later state replacing its running one, r2 new: three runs, one failed.
    const snap = engine.snapshot('p1');
    expect(snap?.sampled_events).toBe(3);
    expect(snap?.metrics.failure_rate).toBeCloseTo(1 / 3, 10);
    expect(told).toEqual([
      [
        { event: done, decision: 'replace' },
        { event: fresh, decision: 'new' },
      ],
    ]);

    // From now on everything passes straight through.
    const next = execution({ execution_id: 'r3', event_time: T0 });
    await ingest.ingestEvents([next]);
    expect(engine.snapshot('p1')?.sampled_events).toBe(4);
    expect(told.at(-1)).toEqual([{ event: next, decision: 'new' }]);
  });
});
