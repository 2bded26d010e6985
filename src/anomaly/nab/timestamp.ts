import { ValidationError } from '../../shared/index.js';

// `YYYY-MM-DD HH:MM:SS` with an optional fraction (the labels carry `.000000`) or a `T` separator.
const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z?$/;

/** Epoch milliseconds (read as UTC) of a NAB timestamp; anything else is a ValidationError. */
export function parseNabTimestamp(text: string): number {
  const m = PATTERN.exec(text.trim());
  if (m === null) throw new ValidationError('timestamp', `not a NAB timestamp: "${text}"`);
  const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  return (
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) +
    fraction
  );
}
