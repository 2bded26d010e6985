import type { EventStore } from '../ports/index.js';
import { toError, type Clock } from '../shared/index.js';

export interface RetentionPrunerOptions {
  events: Pick<EventStore, 'prune'>;
  /** Events received longer ago than this are deleted. */
  retentionMs: number;
  /** Time between runs. @default 3600000 (1 h) */
  intervalMs?: number;
  /** Delay of the first run after start, so startup is not slowed. @default 60000 */
  firstRunMs?: number;
  clock?: Clock;
  onPruned?: (deleted: number, receivedBeforeMs: number) => void;
  onError?: (error: Error) => void;
}

/** A running retention job. */
export interface RetentionPruner {
  /** Prunes now; resolves to the number of events deleted. */
  runOnce(): Promise<number>;
  /** Stops the schedule and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Deletes events older (by receipt) than the retention period, now and then. Runs never overlap;
 * a failed run is reported and the schedule goes on.
 */
export function startRetentionPruner(options: RetentionPrunerOptions): RetentionPruner {
  const clock = options.clock ?? { now: () => Date.now() };
  let running: Promise<number> | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  const runOnce = (): Promise<number> => {
    running ??= (async () => {
      const before = clock.now() - options.retentionMs;
      try {
        const deleted = await options.events.prune(before);
        options.onPruned?.(deleted, before);
        return deleted;
      } finally {
        running = null;
      }
    })();
    return running;
  };

  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((err: unknown) => options.onError?.(toError(err)))
        .finally(() => schedule(options.intervalMs ?? 3_600_000));
    }, delayMs);
    // Pruning alone must not keep the process alive.
    timer.unref();
  };
  schedule(options.firstRunMs ?? 60_000);

  return {
    runOnce,
    stop: async () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
