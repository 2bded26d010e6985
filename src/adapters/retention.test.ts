import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { FakeClock } from '../shared/index.js';
import { startRetentionPruner } from './retention.js';

const DAY = 86_400_000;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

it('prunes what was received before now − retention, first after a delay, then every interval', async () => {
  const clock = new FakeClock();
  const calls: number[] = [];
  const pruned: number[] = [];
  const pruner = startRetentionPruner({
    events: { prune: async (before) => (calls.push(before), 7) },
    retentionMs: 30 * DAY,
    firstRunMs: 1000,
    intervalMs: 60_000,
    clock,
    onPruned: (deleted) => pruned.push(deleted),
  });
  await vi.advanceTimersByTimeAsync(999);
  expect(calls).toEqual([]);
  await vi.advanceTimersByTimeAsync(1);
  expect(calls).toEqual([clock.now() - 30 * DAY]);
  clock.advance(60_000);
  await vi.advanceTimersByTimeAsync(60_000);
  expect(calls).toEqual([clock.now() - 60_000 - 30 * DAY, clock.now() - 30 * DAY]);
  expect(pruned).toEqual([7, 7]);
  await pruner.stop();
  await vi.advanceTimersByTimeAsync(10 * 60_000);
  expect(calls).toHaveLength(2);
});

it('reports a failed run and keeps the schedule going', async () => {
  const errors: string[] = [];
  let fail = true;
  const pruner = startRetentionPruner({
    events: {
      prune: async () => {
        if (fail) throw new Error('database down');
        return 0;
      },
    },
    retentionMs: DAY,
    firstRunMs: 10,
    intervalMs: 10,
    onError: (err) => errors.push(err.message),
  });
  await vi.advanceTimersByTimeAsync(10);
  expect(errors).toEqual(['database down']);
  fail = false;
  await vi.advanceTimersByTimeAsync(10);
  await expect(pruner.runOnce()).resolves.toBe(0);
  expect(errors).toHaveLength(1);
  await pruner.stop();
});
