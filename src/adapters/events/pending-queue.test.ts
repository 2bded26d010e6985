import { expect, it } from 'vitest';
import type { TelemetryEvent } from '../../domain/index.js';
import { metric } from '../../../test/helpers/events.js';
import { PendingQueue } from './pending-queue.js';

const ev = (...names: string[]): TelemetryEvent[] => names.map((n) => ({ ...metric(0, 0), key: n }));
const keys = (events: TelemetryEvent[]) => events.map((e) => e.key);

it('hands out batches across group boundaries and drops what went in', () => {
  const q = new PendingQueue();
  q.push(1, ['a', 'b', 'c'], ev('a', 'b', 'c'), 100);
  q.push(4, ['d', 'e'], ev('d', 'e'), 200);
  expect(q.count).toBe(5);
  const first = q.peek(4);
  expect(first).toMatchObject({ lines: ['a', 'b', 'c', 'd'], lastSeq: 4 });
  expect(keys(first.events)).toEqual(['a', 'b', 'c', 'd']);
  q.drop(2);
  expect(q.count).toBe(3);
  expect(q.oldestDurableAt()).toBe(100);
  const rest = q.peek(10);
  expect(rest).toMatchObject({ lines: ['c', 'd', 'e'], lastSeq: 5 });
  expect(keys(rest.events)).toEqual(['c', 'd', 'e']);
  q.drop(3);
  expect(q.oldestDurableAt()).toBe(200);
  q.drop(5);
  expect(q.count).toBe(0);
  expect(q.oldestDurableAt()).toBeNull();
  expect(q.lastSeq).toBe(5);
});

it('skips what was already sent: the events after a sequence number, across and inside groups', () => {
  const q = new PendingQueue();
  q.push(1, ['a', 'b', 'c'], ev('a', 'b', 'c'), 100);
  q.push(4, ['d', 'e', 'f'], ev('d', 'e', 'f'), 200);
  q.drop(1);
  expect(q.peek(2, 1)).toMatchObject({ lines: ['b', 'c'], lastSeq: 3 });
  const second = q.peek(2, 3);
  expect(second).toMatchObject({ lines: ['d', 'e'], lastSeq: 5 });
  expect(keys(second.events)).toEqual(['d', 'e']);
  expect(q.peek(10, 4)).toMatchObject({ lines: ['e', 'f'], lastSeq: 6 });
  expect(q.peek(10, 6).lines).toEqual([]);
});
