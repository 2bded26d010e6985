import type { TelemetryEvent } from '../domain/index.js';
import { toError, type Clock } from '../shared/index.js';
import type { DemoFleet } from './fleet.js';
import type { FlexiRoasterRows } from './rows.js';
import type { FaultEpisode } from './types.js';

/** What the live driver needs: the fleet, the service clock and where the events go. */
export interface DriverOptions {
  fleet: DemoFleet;
  clock: Clock;
  /** Receives new events in time order; a rejection keeps them for the next tick. */
  sink: (events: TelemetryEvent[]) => Promise<void>;
  /** Receives the FlexiRoaster rows of each advance, when given (needs a fleet that emits rows). */
  rowSink?: (rows: FlexiRoasterRows) => Promise<void>;
  /**
   * History simulated instantly on start, so snapshots are full right away.
   * @default 7_200_000 (2 h)
   */
  backfillMs?: number;
  /**
   * Real time between advances.
   * @default 1000
   */
  intervalMs?: number;
  /**
   * Most events per sink call.
   * @default 5000
   */
  batchSize?: number;
  /** Undelivered events kept for retry before the oldest are dropped. @default 500_000 */
  maxPending?: number;
  /** Told about sink failures and dropped events; the driver itself never throws from its timer. */
  onError?: (err: Error) => void;
  /** Told about fault episodes as they begin (for the demo's log). */
  onFaults?: (episodes: FaultEpisode[]) => void;
}

/** Runs a fleet against the wall clock: backfill, then an advance per interval. */
export interface FleetDriver {
  /** Backfills, then starts the interval timer; resolves once the backfill is delivered (or failed). */
  start(): Promise<void>;
  /** Advances to the clock now and delivers; the timer calls this. */
  tick(): Promise<void>;
  /** Stops the timer, waits for a tick in flight, advances one last time and flushes. */
  stop(): Promise<void>;
}

const BACKFILL_STEP_MS = 600_000;

/** Creates a driver for `options.fleet`; nothing runs until start(). */
export function createDriver(options: DriverOptions): FleetDriver {
  const { fleet, clock, sink } = options;
  const backfillMs = options.backfillMs ?? 7_200_000;
  const batchSize = options.batchSize ?? 5000;
  const maxPending = options.maxPending ?? 500_000;
  const report = (err: unknown): void => options.onError?.(toError(err));
  let pendingEvents: TelemetryEvent[] = [];
  let pendingRows: FlexiRoasterRows[] = [];
  let timer: ReturnType<typeof setInterval> | null = null;
  let inFlight: Promise<void> | null = null;
  let stopped = false;

  const advance = (toMs: number): void => {
    const r = fleet.advanceTo(Math.max(fleet.now(), toMs));
    if (r.faults_started.length > 0) options.onFaults?.(r.faults_started);
    for (const e of r.events) pendingEvents.push(e);
    if (options.rowSink !== undefined) pendingRows.push(r.rows);
    if (pendingEvents.length > maxPending) {
      const dropped = pendingEvents.length - maxPending;
      pendingEvents = pendingEvents.slice(dropped);
      report(new Error(`demo driver dropped ${dropped} undelivered events (sink behind)`));
    }
  };

  const deliver = async (): Promise<void> => {
    try {
      while (pendingEvents.length > 0) {
        const batch = pendingEvents.slice(0, batchSize);
        await sink(batch);
        pendingEvents = pendingEvents.slice(batch.length);
      }
      while (options.rowSink !== undefined && pendingRows.length > 0) {
        await options.rowSink(pendingRows[0]);
        pendingRows = pendingRows.slice(1);
      }
    } catch (err) {
      report(err);
    }
  };

  const tick = (): Promise<void> => {
    if (inFlight !== null) return inFlight;
    inFlight = (async () => {
      try {
        advance(clock.now());
        await deliver();
      } catch (err) {
        report(err);
      }
    })().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  return {
    async start() {
      if (timer !== null || stopped) throw new Error('driver already started');
      const now = clock.now();
      try {
        fleet.startAt(now - backfillMs);
      } catch {
        // The fleet already has history; carry on from where it is.
      }
      for (let t = fleet.now() + BACKFILL_STEP_MS; t < now; t += BACKFILL_STEP_MS) {
        advance(t);
        await deliver();
      }
      await tick();
      timer = setInterval(() => void tick(), options.intervalMs ?? 1000);
      timer.unref();
    },
    tick,
    async stop() {
      stopped = true;
      if (timer !== null) clearInterval(timer);
      timer = null;
      if (inFlight !== null) await inFlight;
      await tick();
    },
  };
}
