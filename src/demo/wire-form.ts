import { toWire, type TelemetryEvent, type WireEvent } from '../domain/index.js';
import { eventIdOf } from './emit.js';
import type { FaultEpisode } from './types.js';

/** The wire form of a simulated event: log and metric events carry their `event_id`, so replays are idempotent. */
export function toDemoWire(e: TelemetryEvent): WireEvent {
  return toWire(e, eventIdOf(e));
}

/** A fault episode as written to truth files: ISO-8601 times. */
export interface TruthEntry {
  fault_id: string;
  fault: string;
  pipeline_id: string;
  start: string;
  end: string;
}

/** Fault episodes in the truth-file form. */
export function toTruth(episodes: readonly FaultEpisode[]): TruthEntry[] {
  return episodes.map((e) => ({
    fault_id: e.fault_id,
    fault: e.fault,
    pipeline_id: e.pipeline_id,
    start: new Date(e.start).toISOString(),
    end: new Date(e.end).toISOString(),
  }));
}
