import { WILDCARD } from './mask.js';

/**
 * How a template and a masked line (or two templates) compare, token by token. Two kinds of
 * difference: a *soft* one (a word against a masked value, or two masked values under the same
 * label) is a variable the masker did not catch and may become `<*>` at once; a *hard* one (two
 * different words, or values under different labels) may separate two templates, so it becomes
 * `<*>` only once enough distinct words were seen in that place (see the miner).
 */

/** Whether a token holds a masked value or is a wildcard. */
export function isVariable(token: string): boolean {
  return token.includes(WILDCARD);
}

/**
 * Whether two different tokens are different constants: two words, or two masked values under
 * different labels (`uid=<*>` and `euid=<*>`). A word against a masked value is a soft difference.
 */
export function hardDifference(a: string, b: string): boolean {
  const ia = a.indexOf(WILDCARD);
  const ib = b.indexOf(WILDCARD);
  if (ia < 0 && ib < 0) return true;
  if (ia <= 0 || ib <= 0) return false;
  if (ia === ib && samePrefix(a, b, ia)) return false;
  return hasLetter(a, ia) && hasLetter(b, ib);
}

/**
 * How well a line fits a template: -1 when a constant differs (a hard difference), else the share
 * of positions where the template is a wildcard or equals the line.
 */
export function joinScore(template: readonly string[], tokens: readonly string[]): number {
  const n = template.length;
  if (n === 0) return 1;
  let same = 0;
  for (let i = 0; i < n; i++) {
    const t = template[i];
    const l = tokens[i];
    if (t === l || t === WILDCARD) same++;
    else if (hardDifference(t, l)) return -1;
  }
  return same / n;
}

/**
 * The one position where two templates of one length hold different constants while the others
 * agree (wildcards agree with anything) on at least `minShare` of the positions; -1 otherwise.
 */
export function singleHardDifference(a: readonly string[], b: readonly string[], minShare: number): number {
  let pos = -1;
  let same = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y || x === WILDCARD || y === WILDCARD) same++;
    else if (hardDifference(x, y)) {
      if (pos >= 0) return -1;
      pos = i;
    }
  }
  return pos >= 0 && same >= minShare * a.length ? pos : -1;
}

/** Turns every position where the template differs from `tokens` into a wildcard; true if any did. */
export function generalise(template: string[], tokens: readonly string[]): boolean {
  let changed = false;
  for (let i = 0; i < template.length; i++) {
    if (template[i] !== tokens[i] && template[i] !== WILDCARD) {
      template[i] = WILDCARD;
      changed = true;
    }
  }
  return changed;
}

/**
 * Collapses each run of one repeated masked token into a single token, in place, so a list of ids
 * (`blk_<*> blk_<*> …`) gives one template whatever its length.
 */
export function collapseRuns(tokens: string[]): string[] {
  let w = 0;
  for (let r = 0; r < tokens.length; r++) {
    const t = tokens[r];
    if (w > 0 && tokens[w - 1] === t && isVariable(t)) continue;
    tokens[w++] = t;
  }
  if (w < tokens.length) tokens.length = w;
  return tokens;
}

function samePrefix(a: string, b: string, n: number): boolean {
  for (let k = 0; k < n; k++) if (a.charCodeAt(k) !== b.charCodeAt(k)) return false;
  return true;
}

function hasLetter(t: string, end: number): boolean {
  for (let k = 0; k < end; k++) {
    const c = t.charCodeAt(k) | 32;
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}
