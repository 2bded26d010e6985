import type { IdentityDecision, TelemetryEvent } from '../domain/index.js';
import { decodeBatch, decodeEvent, type DecodedBatch, type Rejection } from '../ingest/index.js';
import type { EventStore } from '../ports/index.js';
import { toError, type Clock } from '../shared/index.js';

/** What takes accepted events live (the monitoring engine, later the detectors). */
export interface LiveSink {
  apply(event: TelemetryEvent): IdentityDecision;
}

/** One accepted event and what it did to the live state. */
export interface AcceptedEvent {
  event: TelemetryEvent;
  decision: IdentityDecision;
}

/** Sees every accepted event after it is durable and applied (the anomaly detector). */
export type IngestListener = (accepted: readonly AcceptedEvent[]) => void;

export interface IngestServiceDeps {
  store: EventStore;
  live: LiveSink;
  clock: Clock;
  newId: () => string;
  /** Called after each ingest; a listener that throws is reported to onListenerError, never to the caller. */
  listeners?: readonly IngestListener[];
  onListenerError?: (err: Error) => void;
}

export interface IngestResult {
  accepted: number;
  rejected: Rejection[];
  /** Of the accepted: how many changed the live state (new or a later state). */
  changed: number;
}

/**
 * The one path every source feeds: decode → durable append (group commit) → live engines.
 * An event is applied only after the store has made it durable, so what was acknowledged
 * survives a crash and what could not be kept was never counted.
 *
 * The listeners are told once per wave, not once per call: the callers whose appends became durable
 * together (one journal group, e.g. many single-event requests) resume one after the other in the same
 * microtask run, and the first to resume schedules one microtask that hands everything accepted by then
 * to each listener. It runs before any of those callers continues, so a caller still finds the
 * listeners' work done when its ingest call returns.
 */
export class IngestService {
  /** Accepted and applied, not yet told to the listeners; null when no telling is scheduled. */
  private wave: AcceptedEvent[] | null = null;

  constructor(private readonly deps: IngestServiceDeps) {}

  /**
   * Throws StoreUnavailableError when the store would refuse an append now: called before a body is
   * read, so a request that would be refused costs no parsing or decoding.
   */
  admit(): void {
    this.deps.store.admit(1);
  }

  /** Decodes and ingests one record; throws ValidationError naming the field, or StoreUnavailableError. */
  async ingestOne(value: unknown): Promise<TelemetryEvent> {
    const event = decodeEvent(value, this.context());
    await this.ingestEvents([event]);
    return event;
  }

  /** Decodes a batch; ingests the good items; reports the bad ones. */
  async ingestBatch(
    values: readonly unknown[],
    alreadyRejected: readonly Rejection[] = [],
  ): Promise<IngestResult> {
    const decoded: DecodedBatch = decodeBatch(values, this.context(), alreadyRejected);
    const changed = decoded.events.length === 0 ? 0 : await this.ingestEvents(decoded.events);
    return { accepted: decoded.events.length, rejected: decoded.rejected, changed };
  }

  /** Ingests events that are already decoded (demo fleet, change consumer, stream adapters). */
  async ingestEvents(events: readonly TelemetryEvent[]): Promise<number> {
    await this.deps.store.append(events);
    const tell = (this.deps.listeners?.length ?? 0) > 0;
    let changed = 0;
    for (const event of events) {
      const decision = this.deps.live.apply(event);
      if (decision !== 'unchanged') changed++;
      if (tell) this.joinWave({ event, decision });
    }
    return changed;
  }

  private joinWave(accepted: AcceptedEvent): void {
    if (this.wave === null) {
      this.wave = [];
      queueMicrotask(() => this.tellListeners());
    }
    this.wave.push(accepted);
  }

  private tellListeners(): void {
    const accepted = this.wave ?? [];
    this.wave = null;
    for (const listener of this.deps.listeners ?? []) {
      try {
        listener(accepted);
      } catch (err) {
        // Ingest has already succeeded: a failing listener must not turn it into an error.
        this.deps.onListenerError?.(toError(err));
      }
    }
  }

  private context() {
    return { receivedAt: this.deps.clock.now(), newId: this.deps.newId };
  }
}
