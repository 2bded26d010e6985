const ZERO = 48;
const DASH = 45;
const PLUS = 43;
const COLON = 58;
const DOT = 46;
const SPACE = 32;

/**
 * Epoch milliseconds of a `timestamptz` in PostgreSQL's ISO text form (`2026-11-29 03:15:12.123456+00`,
 * offsets `+05:30` or `-03:30:45`), fractions below a millisecond dropped as `Date.parse` drops them.
 * Returns null for any other form (BC, infinity, years before 100, another DateStyle): the caller then
 * takes the general parser. No Date, no regex: the change stream has a few of these per row.
 */
export function isoTimestamptzMs(s: string): number | null {
  const n = s.length;
  if (n < 22) return null;
  if (
    s.charCodeAt(4) !== DASH ||
    s.charCodeAt(7) !== DASH ||
    s.charCodeAt(10) !== SPACE ||
    s.charCodeAt(13) !== COLON ||
    s.charCodeAt(16) !== COLON
  )
    return null;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (year < 100 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return null;
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === DOT) {
    const start = ++i;
    for (let scale = 100; i < n; i++, scale /= 10) {
      const d = s.charCodeAt(i) - ZERO;
      if (d < 0 || d > 9) break;
      if (scale >= 1) ms += d * scale;
    }
    if (i === start) return null;
  }
  const sign = s.charCodeAt(i);
  if (sign !== PLUS && sign !== DASH) return null;
  const offsetS = offsetSeconds(s, i + 1);
  if (offsetS < 0) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  return utc - (sign === PLUS ? offsetS : -offsetS) * 1000;
}

/** `HH`, `HH:MM` or `HH:MM:SS` from `at` to the end of s, in seconds; -1 when it is not that. */
function offsetSeconds(s: string, at: number): number {
  const parts = (s.length - at + 1) / 3;
  if (parts !== 1 && parts !== 2 && parts !== 3) return -1;
  let total = 0;
  for (let p = 0; p < parts; p++) {
    const i = at + p * 3;
    if (p > 0 && s.charCodeAt(i - 1) !== COLON) return -1;
    const v = digits(s, i, 2);
    if (v < 0) return -1;
    total = total * 60 + v;
  }
  for (let p = parts; p < 3; p++) total *= 60;
  return total;
}

/** The decimal number in s[at, at + count), or -1 when a character there is not a digit. */
function digits(s: string, at: number, count: number): number {
  if (at + count > s.length) return -1;
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const d = s.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}
