import type { IdentityDecision, TelemetryEvent } from '../domain/index.js';
import type { EventStore } from '../ports/index.js';
import { StoreUnavailableError, toError } from '../shared/index.js';
import type { IngestListener, LiveSink } from './ingest-service.js';

/** A part of the service that keeps state from the stored history (windows, baselines, run history). */
export interface HistoryConsumer {
  /** It is shown the events with an event time at or after this. */
  readonly sinceMs: number;
  observe(event: TelemetryEvent): void;
  /** After the last event (e.g. baselines from what it observed). */
  finish?(): Promise<void>;
}

/** The live windows as a history consumer: the latest state of every key since `sinceMs`. */
export function liveConsumer(live: LiveSink, sinceMs: number): HistoryConsumer {
  return { sinceMs, observe: (event) => void live.apply(event) };
}

export interface HistoryReplay {
  /** Whether the store holds any event for the consumers. */
  readonly hasHistory: boolean;
  /** Feeds the rest of the scan to the consumers, then finishes each; resolves to the events read. */
  run(): Promise<number>;
}

/** Events per page of the history scan. */
const HISTORY_PAGE = 5000;
/**
 * The page read before the service is ready: enough to know whether there is history, small so
 * the start does not wait on reading and decoding thousands of events (the rest follows after).
 */
const FIRST_PAGE = 100;

/**
 * One scan of the store's recent history for every consumer (from the earliest `sinceMs`, each shown
 * its own part; the scan is in event-time order), its first page read before this resolves. The
 * scan reads the store as of that first page, so an event appended after this resolves is not in
 * it: such events reach the consumers live (see WarmGate), never twice.
 */
export async function openHistoryReplay(
  store: EventStore,
  consumers: readonly HistoryConsumer[],
): Promise<HistoryReplay> {
  const since = consumers.reduce((min, c) => Math.min(min, c.sinceMs), Infinity);
  const pages = store.scanSince(since, HISTORY_PAGE, FIRST_PAGE)[Symbol.asyncIterator]();
  const first = await pages.next();
  return {
    hasHistory: first.done !== true && first.value.length > 0,
    async run() {
      let n = 0;
      for (let page = first; page.done !== true; page = await pages.next()) {
        for (const event of page.value) {
          for (const c of consumers) if (event.event_time >= c.sinceMs) c.observe(event);
        }
        n += page.value.length;
      }
      for (const c of consumers) await c.finish?.();
      return n;
    },
  };
}

/**
 * Holds live work while the history is replayed: ingest goes on (events are durable before they are
 * answered), but applying them to the live windows and telling the listeners waits until open(),
 * then happens in arrival order, as if they had arrived just after the replay. So an event accepted
 * during warm-up is counted once, after the history it follows.
 */
export class WarmGate {
  private held: TelemetryEvent[] | null = [];
  /** The listeners ingest tells: each passes the accepted events on once open (held ones at open()). */
  readonly gated: readonly IngestListener[];

  constructor(
    private readonly live: LiveSink,
    private readonly listeners: readonly IngestListener[],
    private readonly onListenerError: (err: Error) => void,
  ) {
    this.gated = listeners.map((listener) => (accepted) => {
      if (this.held === null) listener(accepted);
    });
  }

  /** Until open(). */
  get warming(): boolean {
    return this.held !== null;
  }

  /**
   * The live sink ingest applies to. While warming it holds the event and answers 'new' (what the
   * event does to the live state is decided when it is applied, at open()).
   */
  readonly sink: LiveSink = {
    apply: (event): IdentityDecision => {
      if (this.held === null) return this.live.apply(event);
      this.held.push(event);
      return 'new';
    },
  };

  /** Refuses (503, retry shortly) what must not answer from half-filled live state. */
  refuseWhileWarming(): void {
    if (this.held !== null) {
      throw new StoreUnavailableError('warming up: the live windows are being refilled from the store', 1);
    }
  }

  /** Applies what was held, in arrival order, tells the listeners, and lets everything through from now on. */
  open(): void {
    const held = this.held ?? [];
    this.held = null;
    if (held.length === 0) return;
    const accepted = held.map((event) => ({ event, decision: this.live.apply(event) }));
    for (const listener of this.listeners) {
      try {
        listener(accepted);
      } catch (err) {
        this.onListenerError(toError(err));
      }
    }
  }
}
