import type { EventStore } from '../ports/index.js';
import type { Clock } from '../shared/index.js';
import type { LiveSink } from './ingest-service.js';

/**
 * Refills the live windows from the store after a start: the latest state of every key from the
 * last `lookbackMs` (two windows, so trends can compare with the previous window).
 * Returns how many events were replayed.
 */
export async function rebuildLive(
  store: EventStore,
  live: LiveSink,
  clock: Clock,
  lookbackMs: number,
): Promise<number> {
  let n = 0;
  for await (const page of store.scanSince(clock.now() - lookbackMs)) {
    for (const event of page) live.apply(event);
    n += page.length;
  }
  return n;
}
