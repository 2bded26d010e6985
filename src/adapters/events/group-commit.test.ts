import { describe, expect, it, vi } from 'vitest';
import type { WrittenGroup } from '../journal/writer.js';
import { GroupCommitter } from './group-commit.js';

function recorder(fail: (call: number) => boolean = () => false) {
  const writes: string[][] = [];
  let seq = 1;
  const write = async (lines: readonly string[]): Promise<WrittenGroup> => {
    writes.push([...lines]);
    await new Promise((r) => setTimeout(r, 5));
    if (fail(writes.length)) throw new Error('disk full');
    const firstSeq = seq;
    seq += lines.length;
    return { firstSeq, lastSeq: seq - 1, bytes: 0 };
  };
  return { writes, write };
}

describe('GroupCommitter', () => {
  it('writes concurrent appends as one group and resolves them after it', async () => {
    const r = recorder();
    const durable: WrittenGroup[] = [];
    const items: string[][] = [];
    const gc = new GroupCommitter<string>(r.write, { groupCommitMs: 2 }, (g, _lines, its) => {
      durable.push(g);
      items.push([...its]);
    });
    await Promise.all([gc.add(['a'], ['A']), gc.add(['b', 'c'], ['B', 'C']), gc.add(['d'], ['D'])]);
    expect(r.writes).toEqual([['a', 'b', 'c', 'd']]);
    expect(durable).toEqual([{ firstSeq: 1, lastSeq: 4, bytes: 0 }]);
    expect(items).toEqual([['A', 'B', 'C', 'D']]);
    expect(gc.unsyncedEvents).toBe(0);
  });

  it('gathers what arrives during a write into the next group', async () => {
    const r = recorder();
    const gc = new GroupCommitter(r.write, { groupCommitMs: 0 }, () => undefined);
    const first = gc.add(['a'], ['A']);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = [gc.add(['b'], ['B']), gc.add(['c'], ['C'])];
    await Promise.all([first, ...rest]);
    expect(r.writes).toEqual([['a'], ['b', 'c']]);
  });

  it('rejects every caller of a failed group and goes on with the next', async () => {
    const r = recorder((call) => call === 1);
    const gc = new GroupCommitter(r.write, { groupCommitMs: 1 }, () => undefined);
    const failed = [gc.add(['a'], ['A']), gc.add(['b'], ['B'])];
    await Promise.all(failed.map((p) => expect(p).rejects.toThrow('disk full')));
    await expect(gc.add(['c'], ['C'])).resolves.toBeUndefined();
    expect(gc.unsyncedEvents).toBe(0);
  });

  it('writes a large group at once instead of waiting', async () => {
    const r = recorder();
    const gc = new GroupCommitter(r.write, { groupCommitMs: 10_000, maxGroupChars: 3 }, () => undefined);
    await gc.add(['abcd'], ['ABCD']);
    expect(r.writes).toEqual([['abcd']]);
  });

  it('waits no longer than the last write took before writing the next group, at most groupCommitMs', async () => {
    vi.useFakeTimers();
    try {
      const r = recorder(); // each write takes 5 ms
      const now = () => Date.now();
      const gc = new GroupCommitter(r.write, { groupCommitMs: 50, now }, () => undefined);
      const first = gc.add(['a'], ['A']);
      await vi.advanceTimersByTimeAsync(49);
      expect(r.writes).toEqual([]); // no write timed yet: the whole 50 ms
      await vi.advanceTimersByTimeAsync(1);
      expect(r.writes).toEqual([['a']]);
      await vi.advanceTimersByTimeAsync(5);
      await first;
      const second = gc.add(['b'], ['B']);
      await vi.advanceTimersByTimeAsync(4);
      expect(r.writes).toEqual([['a']]);
      await vi.advanceTimersByTimeAsync(1); // as long as the last write took, not 50 ms
      expect(r.writes).toEqual([['a'], ['b']]);
      await vi.advanceTimersByTimeAsync(5);
      await second;
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes in the current tick when the last write took under a millisecond', async () => {
    vi.useFakeTimers();
    try {
      const writes: string[][] = [];
      const write = async (lines: readonly string[]): Promise<WrittenGroup> => {
        writes.push([...lines]); // takes no (fake) time
        return { firstSeq: writes.length, lastSeq: writes.length, bytes: 0 };
      };
      const gc = new GroupCommitter(write, { groupCommitMs: 50, now: () => Date.now() }, () => undefined);
      const first = gc.add(['a'], ['A']);
      await vi.advanceTimersByTimeAsync(50);
      await first;
      const second = gc.add(['b'], ['B']);
      await vi.advanceTimersByTimeAsync(0);
      expect(writes).toEqual([['a'], ['b']]);
      await second;
    } finally {
      vi.useRealTimers();
    }
  });
});
