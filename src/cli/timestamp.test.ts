import { describe, expect, it } from 'vitest';
import { parseTimestamp } from './timestamp.js';

describe('parseTimestamp', () => {
  it('reads DL-CIBuild and rails times as UTC', () => {
    expect(parseTimestamp('2012-06-01T04:07:59')).toBe(Date.UTC(2012, 5, 1, 4, 7, 59));
    expect(parseTimestamp('2011-08-29 0:13')).toBe(Date.UTC(2011, 7, 29, 0, 13));
    expect(parseTimestamp('2011-08-29 17:05')).toBe(Date.UTC(2011, 7, 29, 17, 5));
  });

  it('reads ISO-8601 with fractions and offsets, and dates alone', () => {
    expect(parseTimestamp('2024-03-01T10:00:00.250Z')).toBe(Date.UTC(2024, 2, 1, 10, 0, 0, 250));
    expect(parseTimestamp('2024-03-01T10:00:00+02:00')).toBe(Date.UTC(2024, 2, 1, 8));
    expect(parseTimestamp('2024-03-01T10:00:00-0130')).toBe(Date.UTC(2024, 2, 1, 11, 30));
    expect(parseTimestamp('2024-03-01')).toBe(Date.UTC(2024, 2, 1));
  });

  it('reads epoch seconds and milliseconds by size', () => {
    expect(parseTimestamp('1700000000')).toBe(1_700_000_000_000);
    expect(parseTimestamp('1700000000123')).toBe(1_700_000_000_123);
    expect(parseTimestamp('1700000000.5')).toBe(1_700_000_000_500);
  });

  it('refuses text, impossible dates and empty cells', () => {
    for (const bad of ['', 'yesterday', '2024-02-30', '2024-13-01', '2024-01-01 25:00', '01/02/2024']) {
      expect(parseTimestamp(bad)).toBeUndefined();
    }
  });
});
