import type { EventKind, TelemetryEvent } from '../../domain/index.js';
import { ValidationError } from '../../shared/index.js';

// Postgres timestamptz covers years 4713 BC–294276 AD; JavaScript dates end at ±8.64e15 ms.
const MIN_TIME_MS = -62_135_596_800_000; // 0001-01-01
const MAX_TIME_MS = 8_640_000_000_000_000;
const KINDS: ReadonlySet<string> = new Set<EventKind>(['execution', 'stage', 'log', 'metric']);
/** A \u0000 or lone-surrogate escape that is not itself escaped (an even run of backslashes before it). */
const UNSAFE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g;

/**
 * The event as one JSON text, checked so the database can always take it: a row the database
 * refuses would stall every event behind it. The json column keeps any escape, but `->>` (the
 * failed-stages index reads the status that way) cannot turn U+0000 or an unpaired surrogate into
 * text; those characters become U+FFFD.
 */
export function serializeEvent(event: TelemetryEvent): string {
  requireText(event.key, 'key');
  requireText(event.pipeline_id, 'pipeline_id');
  if (!KINDS.has(event.kind)) {
    throw new ValidationError('kind', `unknown event kind ${JSON.stringify(event.kind)}`);
  }
  requireTime(event.event_time, 'event_time');
  requireTime(event.received_at, 'received_at');
  const json = JSON.stringify(event);
  return json.includes('\\u') ? json.replace(UNSAFE_ESCAPE, '$1\\ufffd') : json;
}

function requireText(value: unknown, field: string): void {
  if (typeof value !== 'string' || value === '')
    throw new ValidationError(field, `${field} must be a non-empty string`);
}

function requireTime(value: unknown, field: string): void {
  if (typeof value !== 'number' || !(value >= MIN_TIME_MS && value <= MAX_TIME_MS)) {
    throw new ValidationError(field, `${field} must be epoch milliseconds within years 1–275760`);
  }
}
