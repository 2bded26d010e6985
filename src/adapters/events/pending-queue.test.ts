import { expect, it } from 'vitest';
import { PendingQueue } from './pending-queue.js';

it('hands out batches across group boundaries and drops what went in', () => {
  const q = new PendingQueue();
  q.push(1, ['a', 'b', 'c'], 100);
  q.push(4, ['d', 'e'], 200);
  expect(q.count).toBe(5);
  expect(q.peek(4)).toEqual({ lines: ['a', 'b', 'c', 'd'], lastSeq: 4 });
  q.drop(2);
  expect(q.count).toBe(3);
  expect(q.oldestDurableAt()).toBe(100);
  expect(q.peek(10)).toEqual({ lines: ['c', 'd', 'e'], lastSeq: 5 });
  q.drop(3);
  expect(q.oldestDurableAt()).toBe(200);
  q.drop(5);
  expect(q.count).toBe(0);
  expect(q.oldestDurableAt()).toBeNull();
  expect(q.lastSeq).toBe(5);
});
