import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isoTimestamptzMs } from './pg-time-text.js';

const general = pg.types.getTypeParser(1184) as (text: string) => Date;

/** Deterministic stream of numbers in [0, 1). */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** PostgreSQL's ISO output of `ms` seen at offset `offsetS`, with `fraction` digits (0–6). */
function pgText(ms: number, offsetS: number, fraction: string): string {
  const local = new Date(ms + offsetS * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const abs = Math.abs(offsetS);
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  const ss = String(abs % 60).padStart(2, '0');
  const zone = `${offsetS < 0 ? '-' : '+'}${hh}${mm === '00' && ss === '00' ? '' : `:${mm}`}${ss === '00' ? '' : `:${ss}`}`;
  return `${local.slice(0, 10)} ${local.slice(11, 19)}${fraction === '' ? '' : `.${fraction}`}${zone}`;
}

describe('timestamptz text', () => {
  it('gives what the pg parser gives for PostgreSQL ISO output, fractions and offsets of any form', () => {
    const rnd = seeded(7);
    for (let i = 0; i < 5000; i++) {
      const second = Math.floor((rnd() - 0.3) * 4e9); // whole seconds, years 1843–2096
      // Offsets in whole hours, half hours, or with minutes and seconds (old local mean times).
      const offsetS =
        [3600 * Math.round(rnd() * 24 - 12), 1800 * Math.round(rnd() * 48 - 24)][i % 3] ??
        Math.round(rnd() * 108000 - 54000);
      const fraction = String(Math.floor(rnd() * 1e6))
        .padStart(6, '0')
        .slice(0, i % 7);
      const text = pgText(second * 1000, offsetS, fraction);
      expect(isoTimestamptzMs(text), text).toBe(general(text).getTime());
    }
  });

  it('drops fractions below the millisecond like Date.parse does', () => {
    expect(isoTimestamptzMs('2026-11-29 03:15:12.123999+00')).toBe(Date.parse('2026-11-29T03:15:12.123999Z'));
    expect(isoTimestamptzMs('2026-11-29 08:45:12.9+05:30')).toBe(Date.UTC(2026, 10, 29, 3, 15, 12, 900));
    expect(isoTimestamptzMs('1900-01-01 17:21:10.987654+05:21:10')).toBe(Date.UTC(1900, 0, 1, 12, 0, 0, 987));
  });

  it('leaves every other form to the general parser', () => {
    for (const text of [
      'infinity',
      '-infinity',
      '2026-11-29 03:15:12+00 BC',
      '0099-01-01 00:00:00+00',
      '12026-11-29 03:15:12+00',
      '2026-11-29T03:15:12+00',
      '2026-11-29 03:15:12',
      '2026-11-29 03:15:12.+00',
      '2026-11-29 03:15:12+5',
      '2026-11-29 03:15:12+05:3',
      '2026-11-29 03:15:12+05:30:00:00',
      '2026-11-29 03:1x:12+00',
      '11/29/2026 03:15:12 UTC',
    ])
      expect(isoTimestamptzMs(text), text).toBeNull();
  });
});
