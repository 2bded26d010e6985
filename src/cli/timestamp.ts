// ISO-8601 and its common relatives: `2012-06-01T04:07:59`, `2011-08-29 0:13` (one-digit hour, no
// seconds), fractions of a second, `Z` or `±HH:MM` / `±HHMM` offsets; date only is midnight.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
// Epoch numbers at or above this are milliseconds (1e11 s lies in the year 5138; 1e11 ms in 1973).
const MS_FROM = 1e11;

function inRange(v: number, min: number, max: number): boolean {
  return v >= min && v <= max;
}

/**
 * Epoch milliseconds of a time cell: ISO-8601 (a missing offset reads as UTC) or epoch seconds /
 * milliseconds (told apart by size). Undefined when the text is none of these or names no real
 * date (e.g. February 30th).
 */
export function parseTimestamp(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  if (/^[+-]?\d+(\.\d+)?$/.test(s)) {
    const v = Number(s);
    return Math.abs(v) >= MS_FROM ? v : v * 1000;
  }
  const m = DATE_TIME.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m;
  const parts = [+y, +mo, +d, +h, +mi, +sec];
  if (
    !inRange(parts[1], 1, 12) ||
    !inRange(parts[2], 1, 31) ||
    !inRange(parts[3], 0, 23) ||
    !inRange(parts[4], 0, 59) ||
    !inRange(parts[5], 0, 60)
  ) {
    return undefined;
  }
  const ms = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5]);
  // Date.UTC rolls Feb 30 over into March; a rolled-over day is not a real date.
  if (new Date(ms).getUTCDate() !== parts[2]) return undefined;
  const fraction = frac === '' ? 0 : Number(`0.${frac}`) * 1000;
  return ms + fraction - offsetMs(zone);
}

function offsetMs(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}
