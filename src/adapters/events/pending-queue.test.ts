import { expect, it } from 'vitest';
import { metric } from '../../../test/helpers/events.js';
import { encodeEventsCopy } from './copy-binary.js';
import { PendingQueue } from './pending-queue.js';
import { serializeEvent } from './serialize.js';

const copyOf = (...keys: string[]) => {
  const events = keys.map((key) => ({ ...metric(0, 0), key }));
  return encodeEventsCopy(events, events.map(serializeEvent));
};

/** The first field (key) of every row of a binary COPY input, checking its framing. */
function keys(copy: Uint8Array): string[] {
  const buf = Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength);
  expect(buf.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
  const out: string[] = [];
  let at = 19;
  for (let fields = buf.readInt16BE(at); fields !== -1; fields = buf.readInt16BE(at)) {
    at += 2;
    for (let f = 0; f < fields; f++) {
      const len = buf.readInt32BE(at);
      if (f === 0) out.push(buf.toString('utf8', at + 4, at + 4 + len));
      at += 4 + len;
    }
  }
  expect(at + 2).toBe(buf.length);
  return out;
}

it('hands out batches across group boundaries and drops what went in', () => {
  const q = new PendingQueue();
  q.push(1, 3, copyOf('a', 'b', 'c'), 100);
  q.push(4, 2, copyOf('d', 'e'), 200);
  expect(q.count).toBe(5);
  const first = q.peek(4);
  expect(first).toMatchObject({ rows: 4, lastSeq: 4 });
  expect(keys(first.copy)).toEqual(['a', 'b', 'c', 'd']);
  q.drop(2);
  expect(q.count).toBe(3);
  expect(q.oldestDurableAt()).toBe(100);
  const rest = q.peek(10);
  expect(rest).toMatchObject({ rows: 3, lastSeq: 5 });
  expect(keys(rest.copy)).toEqual(['c', 'd', 'e']);
  q.drop(3);
  expect(q.oldestDurableAt()).toBe(200);
  q.drop(5);
  expect(q.count).toBe(0);
  expect(q.oldestDurableAt()).toBeNull();
  expect(q.lastSeq).toBe(5);
});

it('skips what was already sent: the events after a sequence number, across and inside groups', () => {
  const q = new PendingQueue();
  q.push(1, 3, copyOf('a', 'b', 'c'), 100);
  q.push(4, 3, copyOf('d', 'e', 'f'), 200);
  q.drop(1);
  expect(keys(q.peek(2, 1).copy)).toEqual(['b', 'c']);
  const second = q.peek(2, 3);
  expect(second).toMatchObject({ rows: 2, lastSeq: 5 });
  expect(keys(second.copy)).toEqual(['d', 'e']);
  expect(keys(q.peek(10, 4).copy)).toEqual(['e', 'f']);
  expect(q.peek(10, 6)).toMatchObject({ rows: 0 });
  // Each batch is a buffer of its own: moving one to a worker leaves the queue's groups intact.
  structuredClone(second.copy, { transfer: [second.copy.buffer as ArrayBuffer] });
  expect(keys(q.peek(10).copy)).toEqual(['b', 'c', 'd', 'e', 'f']);
});
