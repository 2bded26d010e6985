import { hash53 } from '../shared/index.js';

const TWO_52 = 4503599627370496;
const hex13 = (text: string, seed: number): string =>
  (hash53(text, seed) % TWO_52).toString(16).padStart(13, '0');

/** A UUID-shaped id (v4 layout) derived from `text`: the same text always gives the same id. */
export function stableUuid(text: string): string {
  const h = hex13(text, 11) + hex13(text, 29) + hex13(text, 47);
  const variant = '89ab'[parseInt(h[16], 16) & 3];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A 32-bit seed for a derived generator, from the parts that name what it generates. */
export function subSeed(...parts: readonly (string | number)[]): number {
  return hash53(parts.join(':')) % 4294967296;
}

/** A short hex tag derived from `text` (fault ids, host names). */
export function shortHex(text: string, length = 8): string {
  return hex13(text, 5).slice(13 - length);
}
