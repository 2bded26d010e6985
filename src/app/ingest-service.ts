import type { IdentityDecision, TelemetryEvent } from '../domain/index.js';
import { decodeBatch, decodeEvent, type DecodedBatch, type Rejection } from '../ingest/index.js';
import type { EventStore } from '../ports/index.js';
import type { Clock } from '../shared/index.js';

/** What takes accepted events live (the monitoring engine, later the detectors). */
export interface LiveSink {
  apply(event: TelemetryEvent): IdentityDecision;
}

export interface IngestServiceDeps {
  store: EventStore;
  live: LiveSink;
  clock: Clock;
  newId: () => string;
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
 */
export class IngestService {
  constructor(private readonly deps: IngestServiceDeps) {}

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
    let changed = 0;
    for (const e of events) if (this.deps.live.apply(e) !== 'unchanged') changed++;
    return changed;
  }

  private context() {
    return { receivedAt: this.deps.clock.now(), newId: this.deps.newId };
  }
}
