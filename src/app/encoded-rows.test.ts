import { describe, expect, it } from 'vitest';
import type { EncodedPredictionRow } from '../ports/index.js';
import { EncodedRowBuffer } from './encoded-rows.js';

const text = (s: string) => s as EncodedPredictionRow;

describe('EncodedRowBuffer', () => {
  it('joins any run of rows with commas, the same text as the strings joined', () => {
    const rows = ['{"a":1}', '{"name":"Überprüfung ✓"}', '{"e":"🚀\\u0000"}', '[]'];
    const b = new EncodedRowBuffer();
    for (const r of rows) b.push(text(r));
    expect(b.count).toBe(4);
    for (let from = 0; from <= 4; from++)
      for (let to = from; to <= 4; to++) expect(b.joined(from, to)).toBe(rows.slice(from, to).join(','));
    expect(b.range(1, 3).count).toBe(2);
    expect(b.range(1, 3).joined(0, 2)).toBe(rows.slice(1, 3).join(','));
    expect(() => b.joined(2, 5)).toThrow(RangeError);
  });

  it('grows past its first size, in bytes and in rows, keeping what it holds', () => {
    const b = new EncodedRowBuffer(16);
    const rows = Array.from({ length: 3000 }, (_, i) => `{"id":"r${i}","t":"${'é'.repeat(i % 50)}"}`);
    for (const r of rows) b.push(text(r));
    expect(b.count).toBe(3000);
    expect(b.joined(0, 3000)).toBe(rows.join(','));
    expect(b.joined(2999, 3000)).toBe(rows[2999]);
  });

  it('keeps its memory across clear, unless it grew past keepBytes', () => {
    const b = new EncodedRowBuffer(1024, 64 * 1024);
    const row = text(`"${'x'.repeat(1000)}"`);
    for (let i = 0; i < 20; i++) b.push(row);
    const grown = b.capacityBytes;
    expect(grown).toBeGreaterThan(1024);
    b.clear();
    expect(b.capacityBytes).toBe(grown);
    for (let i = 0; i < 100; i++) b.push(row);
    expect(b.capacityBytes).toBeGreaterThan(64 * 1024);
    b.clear();
    expect(b.capacityBytes).toBe(1024);
    b.push(text('"small"'));
    expect(b.joined(0, 1)).toBe('"small"');
  });

  it('after clear holds only what comes next', () => {
    const b = new EncodedRowBuffer(16);
    for (let i = 0; i < 100; i++) b.push(text(`"old ${i}"`));
    b.clear();
    expect(b.count).toBe(0);
    expect(b.joined(0, 0)).toBe('');
    b.push(text('"new"'));
    expect(b.joined(0, 1)).toBe('"new"');
  });
});
