import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../domain/index.js';
import { execution } from '../monitoring/testing.js';
import type { EventStore } from '../ports/index.js';
import { FakeClock } from '../shared/index.js';
import { IngestService, type AcceptedEvent } from './ingest-service.js';

const store = (appended: TelemetryEvent[]): EventStore =>
  ({
    append: async (events: readonly TelemetryEvent[]) => void appended.push(...events),
  }) as unknown as EventStore;

describe('IngestService listeners', () => {
  it('see every accepted event after it is durable and applied; a failing one never breaks ingest', async () => {
    const appended: TelemetryEvent[] = [];
    const seen: AcceptedEvent[][] = [];
    const errors: Error[] = [];
    const service = new IngestService({
      store: store(appended),
      live: { apply: () => (appended.length > 0 ? 'new' : 'unchanged') },
      clock: new FakeClock(),
      newId: () => 'id',
      listeners: [
        () => {
          throw new Error('listener down');
        },
        (accepted) => seen.push([...accepted]),
      ],
      onListenerError: (err) => errors.push(err),
    });
    const e = execution({ execution_id: 'x' });
    await expect(service.ingestEvents([e])).resolves.toBe(1);
    expect(seen).toEqual([[{ event: e, decision: 'new' }]]);
    expect(errors.map((err) => err.message)).toEqual(['listener down']);
  });

  it('are told once for the callers whose appends became durable together, before any of them continues', async () => {
    let release: () => void = () => undefined;
    const durable = new Promise<void>((resolve) => (release = resolve));
    const told: string[][] = [];
    const service = new IngestService({
      store: { append: () => durable } as unknown as EventStore,
      live: { apply: () => 'new' },
      clock: new FakeClock(),
      newId: () => 'id',
      listeners: [
        (accepted) => told.push(accepted.map((a) => (a.event as { execution_id: string }).execution_id)),
      ],
    });
    const one = (...ids: string[]) =>
      service
        .ingestEvents(ids.map((id) => execution({ execution_id: id })))
        .then((changed) => ({ changed, toldBefore: told.length }));
    const a = one('a');
    const b = one('b', 'c');
    expect(told).toEqual([]);
    release();
    expect(await a).toEqual({ changed: 1, toldBefore: 1 });
    expect(await b).toEqual({ changed: 2, toldBefore: 1 });
    expect(told).toEqual([['a', 'b', 'c']]);
    // A later wave is told on its own.
    await one('d');
    expect(told).toEqual([['a', 'b', 'c'], ['d']]);
  });
});
