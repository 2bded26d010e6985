import type { TelemetryEvent } from '../../domain/index.js';
import { StoreUnavailableError } from '../../shared/index.js';

/**
 * Wraps a sink so that a store that is behind (StoreUnavailableError, the HTTP 503 path) slows the
 * source down instead of failing it: the same events are offered again after the store's
 * Retry-After (at most `maxWaitMs`), until they are taken or the source stops.
 */
export function waitWhileStoreBehind(
  sink: (events: readonly TelemetryEvent[]) => Promise<unknown>,
  stopped: () => boolean,
  maxWaitMs = 1000,
): (events: readonly TelemetryEvent[]) => Promise<void> {
  return async (events) => {
    for (;;) {
      try {
        await sink(events);
        return;
      } catch (err) {
        if (!(err instanceof StoreUnavailableError) || stopped()) throw err;
        await new Promise((r) => setTimeout(r, Math.min(maxWaitMs, err.retryAfterSeconds * 1000)));
      }
    }
  };
}
