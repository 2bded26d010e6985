import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../domain/index.js';
import { dropCopyRows, encodeEventsCopy, roundHalfEven } from './copy-binary.js';
import { serializeEvent } from './serialize.js';

const log = (key: string, message: string, t = 1_767_225_600_000): LogEvent => ({
  kind: 'log',
  key,
  pipeline_id: 'p',
  event_time: t,
  received_at: t,
  execution_id: null,
  stage_id: null,
  level: 'ERROR',
  message,
});
const encode = (events: LogEvent[]) => encodeEventsCopy(events, events.map(serializeEvent));

/** The rows of a binary COPY input, each a list of field byte strings (null for SQL NULL). */
function parseRows(copy: Uint8Array): Buffer[][] {
  const buf = Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength);
  expect(buf.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
  let at = 19;
  const rows: Buffer[][] = [];
  for (;;) {
    const fields = buf.readInt16BE(at);
    at += 2;
    if (fields === -1) break;
    const row: Buffer[] = [];
    for (let f = 0; f < fields; f++) {
      const len = buf.readInt32BE(at);
      row.push(buf.subarray(at + 4, at + 4 + len));
      at += 4 + len;
    }
    rows.push(row);
  }
  expect(at).toBe(buf.length);
  return rows;
}

describe('encodeEventsCopy', () => {
  it('writes six fields per row: texts, int64 microseconds since 2000, the JSON text (json)', () => {
    const event = log('l:1', 'tab\there\nnew "q" \\ é 漢 🎉', Date.UTC(2000, 0, 1, 0, 0, 1, 500));
    const [row] = parseRows(encode([event]));
    expect(row.map((f, i) => (i === 3 || i === 4 ? f.readBigInt64BE() : f.toString('utf8')))).toEqual([
      'l:1',
      'log',
      'p',
      1_500_000n,
      1_500_000n,
      serializeEvent(event),
    ]);
  });

  it('stores NUL and lone surrogates in key and pipeline as U+FFFD, as the JSON text does', () => {
    const event = { ...log('a\u0000b', 'm'), pipeline_id: 'x\ud800y' };
    const [row] = parseRows(encode([event]));
    expect(row[0].toString('utf8')).toBe('a\ufffdb');
    expect(row[2].toString('utf8')).toBe('x\ufffdy');
    const parsed = JSON.parse(row[5].toString('utf8')) as LogEvent;
    expect([parsed.key, parsed.pipeline_id]).toEqual(['a\ufffdb', 'x\ufffdy']);
  });

  it('keeps a large payload whole', () => {
    const message = 'x\\y\t'.repeat(300_000);
    const rows = parseRows(encode([log('big', message), log('next', 'small')]));
    expect((JSON.parse(rows[0][5].toString('utf8')) as LogEvent).message).toBe(message);
    expect(rows[1][0].toString('utf8')).toBe('next');
  });

  it('owns its whole buffer (transferable to a worker)', () => {
    const copy = encode([log('a', 'b')]);
    expect(copy.byteOffset).toBe(0);
    expect(copy.buffer.byteLength).toBe(copy.byteLength);
  });
});

describe('dropCopyRows', () => {
  it('is the encoding of the rows after the first `skip`', () => {
    const events = [log('a', 'é'), log('b', '\t'), log('c', '🎉'), log('d', '')];
    for (let skip = 0; skip <= events.length; skip++) {
      expect(Buffer.from(dropCopyRows(encode(events), skip))).toEqual(encode(events.slice(skip)));
    }
  });
});

describe('roundHalfEven', () => {
  it('rounds halves to the even neighbour, like C rint', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001, 7].map(roundHalfEven)).toEqual([
      0, 2, 2, -0, -2, -2, 2, 3, 7,
    ]);
  });
});
