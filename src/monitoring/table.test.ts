import { describe, expect, it } from 'vitest';
import { SeededRng } from '../shared/index.js';
import { EntryTable, keyHash, LIVE } from './table.js';
import { metric } from './testing.js';

const event = (key: string) => ({ ...metric({ name: 'cpu_percent', value: 1 }), key });

describe('EntryTable', () => {
  it('keeps the same answers as a Map through random inserts and deletes, even when every hash collides', () => {
    for (const hashOf of [keyHash, (k: string) => keyHash(k) & 0x3, () => 7]) {
      const rng = new SeededRng(11);
      const table = new EntryTable();
      const model = new Map<string, number>();
      for (let step = 0; step < 4000; step++) {
        const key = `k${rng.int(300)}`;
        const id = table.find(key, hashOf(key));
        expect(id).toBe(model.get(key) ?? -1);
        if (id >= 0 && rng.next() < 0.6) {
          table.unindex(id);
          table.release(id);
          model.delete(key);
        } else if (id < 0) {
          const fresh = table.allocate(event(key), hashOf(key), LIVE);
          expect(table.events[fresh]?.key).toBe(key);
          model.set(key, fresh);
        }
        expect(table.used).toBe(model.size);
      }
    }
  });

  it('does not reuse an id that is unindexed but not yet released', () => {
    const table = new EntryTable();
    const a = table.allocate(event('a'), keyHash('a'), LIVE);
    table.unindex(a);
    const b = table.allocate(event('a'), keyHash('a'), LIVE);
    expect(b).not.toBe(a);
    expect(table.find('a', keyHash('a'))).toBe(b);
    table.release(a);
    expect(table.allocate(event('c'), keyHash('c'), LIVE)).toBe(a);
  });

  it('empties itself when the last id is released', () => {
    const table = new EntryTable();
    const ids = ['a', 'b', 'c'].map((k) => table.allocate(event(k), keyHash(k), LIVE));
    for (const id of ids) {
      table.unindex(id);
      table.release(id);
    }
    expect(table.used).toBe(0);
    expect(table.times).toHaveLength(0);
    expect(table.find('a', keyHash('a'))).toBe(-1);
  });
});
