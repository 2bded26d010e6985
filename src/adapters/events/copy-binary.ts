import type { TelemetryEvent } from '../../domain/index.js';

/** The columns encodeEventsCopy fills, in order: the COPY target for `flexiroaster_ai.events`. */
export const EVENTS_COPY_TARGET =
  'flexiroaster_ai.events (key, kind, pipeline_id, event_time, received_at, payload)';

// PGCOPY signature, then flags and header-extension length (both 0).
const HEADER = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);
const FIELDS = 6;
/** Per row: field count, six length words, two int64 timestamps. */
const ROW_OVERHEAD = 2 + FIELDS * 4 + 8 + 8;
/** Seconds from the Unix epoch to Postgres' (2000-01-01). */
const PG_EPOCH_OFFSET_S = 946_684_800;
const TWO_POW_32 = 4_294_967_296;

/**
 * The events as one `COPY … (FORMAT binary)` input for EVENTS_COPY_TARGET; `lines[i]` is
 * serializeEvent(events[i]). Rows keep the batch order, so identity assigns ids in sequence order.
 * Every column holds exactly what the former `INSERT … SELECT` over the JSON text stored: texts as
 * the JSON round trip gives them back (U+0000 and lone surrogates as U+FFFD), times as
 * `to_timestamp(ms / 1000)` computes them, the payload as the line itself (json, binary form = text).
 */
export function encodeEventsCopy(events: readonly TelemetryEvent[], lines: readonly string[]): Buffer {
  const n = events.length;
  let size = HEADER.length + 2;
  for (let i = 0; i < n; i++) {
    const e = events[i];
    size +=
      ROW_OVERHEAD +
      Buffer.byteLength(storable(e.key)) +
      Buffer.byteLength(e.kind) +
      Buffer.byteLength(storable(e.pipeline_id)) +
      Buffer.byteLength(lines[i]);
  }
  // Its own ArrayBuffer (never the shared pool), so it can be transferred to a worker thread.
  const buf = Buffer.allocUnsafeSlow(size);
  let at = HEADER.copy(buf, 0);
  for (let i = 0; i < n; i++) {
    const e = events[i];
    at = buf.writeInt16BE(FIELDS, at);
    at = writeText(buf, at, storable(e.key));
    at = writeText(buf, at, e.kind);
    at = writeText(buf, at, storable(e.pipeline_id));
    at = writeTimestamp(buf, at, e.event_time);
    at = writeTimestamp(buf, at, e.received_at);
    // A JSON text never holds a raw NUL (JSON.stringify escapes it).
    at = writeText(buf, at, lines[i]);
  }
  at = buf.writeInt16BE(-1, at);
  if (at !== size) throw new Error(`COPY encoding wrote ${at} bytes, expected ${size}`);
  return buf;
}

/**
 * Text as the JSON round trip stores it: a NUL cannot be stored in text and serializeEvent turns it
 * into U+FFFD; lone surrogates become U+FFFD in Buffer.write itself, as in the JSON path.
 */
function storable(value: string): string {
  return value.includes('\0') ? value.replaceAll('\0', '\ufffd') : value;
}

function writeText(buf: Buffer, at: number, value: string): number {
  const bytes = buf.write(value, at + 4);
  buf.writeInt32BE(bytes, at);
  return at + 4 + bytes;
}

/** timestamptz on the wire: int64 microseconds since 2000-01-01, rounded as float8_timestamptz does. */
function writeTimestamp(buf: Buffer, at: number, ms: number): number {
  const micros = roundHalfEven((ms / 1000 - PG_EPOCH_OFFSET_S) * 1_000_000);
  const hi = Math.floor(micros / TWO_POW_32);
  at = buf.writeInt32BE(8, at);
  at = buf.writeInt32BE(hi, at);
  return buf.writeUInt32BE(micros - hi * TWO_POW_32, at);
}

/** C's rint() in the default rounding mode: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The same COPY input without its first `skip` rows (a batch the database already has part of). */
export function dropCopyRows(copy: Uint8Array, skip: number): Uint8Array {
  const view = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
  let at = HEADER.length;
  for (let row = 0; row < skip; row++) {
    const fields = view.getInt16(at);
    at += 2;
    for (let f = 0; f < fields; f++) at += 4 + Math.max(0, view.getInt32(at));
  }
  const out = new Uint8Array(HEADER.length + copy.byteLength - at);
  out.set(copy.subarray(0, HEADER.length), 0);
  out.set(copy.subarray(at), HEADER.length);
  return out;
}
