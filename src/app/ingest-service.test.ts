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
});
