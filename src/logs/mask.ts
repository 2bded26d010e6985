/**
 * The masking tokenizer: one hand-written pass over a log line that splits it on whitespace and
 * replaces the variable part of each token with `<*>` (numbers, hex, IPs and ports, UUIDs, paths,
 * URLs, timestamps, durations, e-mails, quoted values and the values of `key=value`). A scanner
 * instead of a chain of regexes because the miner calls it for every line: each character is looked
 * at once, and a plain word is returned after that look. The tables and helpers the scan uses live
 * in this file on purpose: module-local bindings are cheaper to read in the per-character loop than
 * imported ones (several times so under tsx, which turns imports into getter calls).
 */

/** The placeholder a masked value becomes, and a template's wildcard. */
export const WILDCARD = '<*>';

// Class bits by code point; a lookup table keeps the per-character test to one load.
const SPACE = 1;
const DIGIT = 2;
const ALPHA = 4;
const HEX_ALPHA = 8;
const OPEN = 16; // punctuation that may open a token around its value: ( [ { <
const CLOSE = 32; // punctuation that may close a token after its value: ) ] } > , ; : . ! ?
const KEY = 64; // allowed in the key of key=value besides letters and digits: _ . -
const SPECIAL = 128; // looked for by some masking rule: = / \ : @ " '

const CLASS = new Uint8Array(128);
for (const c of ' \t\n\r\f\v') CLASS[c.charCodeAt(0)] |= SPACE;
for (let c = 48; c <= 57; c++) CLASS[c] |= DIGIT;
for (let c = 65; c <= 90; c++) CLASS[c] |= ALPHA;
for (let c = 97; c <= 122; c++) CLASS[c] |= ALPHA;
for (const c of 'abcdefABCDEF') CLASS[c.charCodeAt(0)] |= HEX_ALPHA;
for (const c of '([{<') CLASS[c.charCodeAt(0)] |= OPEN;
for (const c of ')]}>,;:.!?') CLASS[c.charCodeAt(0)] |= CLOSE;
for (const c of '_.-') CLASS[c.charCodeAt(0)] |= KEY;
for (const c of '=/\\:@"\'') CLASS[c.charCodeAt(0)] |= SPECIAL;

const DQUOTE = 34;
const SQUOTE = 39;
const SLASH = 47;
const BACKSLASH = 92;
const COLON = 58;
const EQUALS = 61;
const AT = 64;
const DOT = 46;
const MINUS = 45;
const PLUS = 43;
const TILDE = 126;
const UNDERSCORE = 95;

const cls = (code: number): number => (code < 128 ? CLASS[code] : 0);
const isAlnum = (code: number): boolean => (cls(code) & (DIGIT | ALPHA)) !== 0 || code >= 128;
// `_` and `-` join the parts of one identifier (blk_-42, worker-3, job_12_0001): the whole is the id.
const isIdChar = (code: number): boolean => isAlnum(code) || code === UNDERSCORE || code === MINUS;

// A quoted value longer than this is not searched for its closing quote (bounds the work per line).
const MAX_QUOTED = 512;
// Hex words without digits (deadbeef) are variables only when this long; shorter ones are English.
const MIN_HEX_WORD = 8;

// What the scan of a token found, so only the rules that can apply are tried.
const HAS_EQUALS = 1;
const HAS_SLASH = 2;
const HAS_COLON = 4;
const HAS_AT = 8;
const HAS_QUOTE = 16;
const HEX_WORD = 32;
const FLAG_OF = new Uint8Array(128);
FLAG_OF[EQUALS] = HAS_EQUALS;
FLAG_OF[SLASH] = HAS_SLASH;
FLAG_OF[BACKSLASH] = HAS_SLASH;
FLAG_OF[COLON] = HAS_COLON;
FLAG_OF[AT] = HAS_AT;
FLAG_OF[DQUOTE] = HAS_QUOTE;
FLAG_OF[SQUOTE] = HAS_QUOTE;

// Units that make a number a quantity (5.2 KB, 30 ms): the unit is part of the value.
const UNITS = new Set(
  'B KB MB GB TB PB kB KiB MiB GiB TiB ns us µs ms s sec secs min mins h hr hrs'.split(' '),
);
const MONTHS = new Set('Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' '));
const WEEKDAYS = new Set('Mon Tue Wed Thu Fri Sat Sun'.split(' '));

/** Splits a line on whitespace and masks the variable part of every token (see the file comment). */
export function maskTokens(line: string): string[] {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    let c = line.charCodeAt(i);
    if (c < 128 && (CLASS[c] & SPACE) !== 0) {
      i++;
      continue;
    }
    const start = i;
    if (c === DQUOTE || c === SQUOTE) {
      const close = quotedSpanEnd(line, i);
      if (close > 0) {
        // A quoted value may hold spaces; the whole span is one token and its content one variable.
        i = close + 1;
        while (i < n && (cls(line.charCodeAt(i)) & SPACE) === 0) i++;
        out.push(line[start] + WILDCARD + line[start] + line.slice(close + 1, i));
        continue;
      }
    }
    let digit = -1;
    let flags = 0;
    let hexOnly = true;
    for (; i < n; i++) {
      c = line.charCodeAt(i);
      const kind = c < 128 ? CLASS[c] : 0;
      if ((kind & (DIGIT | HEX_ALPHA)) !== 0) {
        if (digit < 0 && (kind & DIGIT) !== 0) digit = i;
        continue;
      }
      if ((kind & SPACE) !== 0) break;
      hexOnly = false;
      if ((kind & SPECIAL) === 0) continue;
      flags |= FLAG_OF[c];
      // A quoted value after `key=` or `key:` may hold spaces; it stays in its token.
      if ((c === DQUOTE || c === SQUOTE) && i > start) {
        const before = line.charCodeAt(i - 1);
        if (before === EQUALS || before === COLON) {
          const end = quotedSpanEnd(line, i);
          if (end > 0) i = end;
        }
      }
    }
    if (hexOnly && i - start >= MIN_HEX_WORD) flags |= HEX_WORD;
    const token = digit < 0 && flags === 0 ? line.slice(start, i) : maskToken(line, start, i, digit, flags);
    const prev = out.length > 0 ? out[out.length - 1] : '';
    out.push(prev === WILDCARD && isUnit(token) ? WILDCARD + token.slice(unitLength(token)) : token);
  }
  maskDateWords(out);
  return out;
}

/** A unit, possibly followed by punctuation (`KB,`). */
function isUnit(token: string): boolean {
  return UNITS.has(token.slice(0, unitLength(token)));
}

function unitLength(token: string): number {
  let k = token.length;
  while (k > 0 && (cls(token.charCodeAt(k - 1)) & CLOSE) !== 0) k--;
  return k;
}

/**
 * Month and weekday names next to a masked number are parts of a timestamp (`Fri Jul 01 08:16:53`);
 * they are masked in place so two timestamps never make two templates.
 */
function maskDateWords(out: string[]): void {
  for (let i = out.length - 1; i >= 0; i--) {
    const t = out[i];
    if (t.length < 3 || t.length > 5) continue;
    // The word may sit in brackets or before a comma: `[Sun`, `Dec,`.
    let s = 0;
    while (s < t.length && (cls(t.charCodeAt(s)) & OPEN) !== 0) s++;
    let e = t.length;
    while (e > s && (cls(t.charCodeAt(e - 1)) & CLOSE) !== 0) e--;
    if (e - s !== 3) continue;
    const word = t.slice(s, e);
    const next = i + 1 < out.length ? out[i + 1] : '';
    const prev = i > 0 ? out[i - 1] : '';
    const dated =
      (MONTHS.has(word) && (next.startsWith(WILDCARD) || prev === WILDCARD)) ||
      (WEEKDAYS.has(word) && next.startsWith(WILDCARD));
    if (dated) out[i] = t.slice(0, s) + WILDCARD + t.slice(e);
  }
}

/** The masked line as one string (tokens joined by single spaces). */
export function maskLine(line: string): string {
  return maskTokens(line).join(' ');
}

/**
 * When a token starts with a quote whose partner closes a non-empty value before whitespace,
 * punctuation or the end of the line, the index of the closing quote; otherwise -1. An apostrophe
 * inside a word (don't) never starts a token, so it is not mistaken for a quote.
 */
function quotedSpanEnd(line: string, start: number): number {
  const q = line.charCodeAt(start);
  if (q !== DQUOTE && q !== SQUOTE) return -1;
  const limit = Math.min(line.length, start + MAX_QUOTED);
  for (let k = start + 1; k < limit; k++) {
    if (line.charCodeAt(k) !== q) continue;
    if (k === start + 1) return -1;
    const next = k + 1 < line.length ? line.charCodeAt(k + 1) : 32;
    if ((cls(next) & (SPACE | CLOSE)) !== 0) return k;
  }
  return -1;
}

/**
 * Masks the token `line[s, e)` that the scan found a digit (at `digit`) or special characters in
 * (`flags`); returns it unchanged when no rule applies.
 */
function maskToken(line: string, s: number, e: number, digit: number, flags: number): string {
  // The core is the token without the brackets and punctuation around its value.
  let cs = s;
  while (cs < e && (cls(line.charCodeAt(cs)) & OPEN) !== 0) cs++;
  let ce = e;
  while (ce > cs && (cls(line.charCodeAt(ce - 1)) & CLOSE) !== 0) ce--;
  if (cs >= ce) return line.slice(s, e);

  if (flags & HAS_QUOTE) {
    const open = quoteOpening(line, cs, ce);
    if (open >= 0) return maskFrom(line, s, open + 1, ce - 1, e);
  }
  if (flags & HAS_SLASH) {
    const scheme = flags & HAS_COLON ? indexIn(line, '://', cs, ce) : -1;
    if (scheme > cs) return maskFrom(line, s, scheme + 3, ce, e);
    if (isPath(line, cs, ce)) return maskFrom(line, s, cs, ce, e);
  }
  if (flags & HAS_EQUALS) {
    const eq = keyValueSplit(line, cs, ce);
    if (eq > 0) return eq + 1 < ce ? maskFrom(line, s, eq + 1, ce, e) : line.slice(s, e);
  }
  if (flags & HAS_AT && isEmail(line, cs, ce)) return maskFrom(line, s, cs, ce, e);
  if (digit >= 0 && digit < ce) return maskFrom(line, s, variableStart(line, cs, digit), ce, e);
  if (flags & HEX_WORD) return maskFrom(line, s, cs, ce, e);
  return line.slice(s, e);
}

/**
 * When the core ends with a quote, the index of the quote that opens a non-empty value before it
 * (`"users"`, `key="a b"`); otherwise -1.
 */
function quoteOpening(line: string, cs: number, ce: number): number {
  const q = line.charCodeAt(ce - 1);
  if (q !== DQUOTE && q !== SQUOTE) return -1;
  for (let k = cs; k < ce - 2; k++) if (line.charCodeAt(k) === q) return k;
  return -1;
}

/** The token `line[s, e)` with `line[from, to)` replaced by the wildcard. */
function maskFrom(line: string, s: number, from: number, to: number, e: number): string {
  return line.slice(s, from) + WILDCARD + line.slice(to, e);
}

/** File paths: absolute or relative Unix paths, home paths, Windows drive or UNC paths, `x:/` forms. */
function isPath(line: string, cs: number, ce: number): boolean {
  const c0 = line.charCodeAt(cs);
  const c1 = cs + 1 < ce ? line.charCodeAt(cs + 1) : 0;
  if (c0 === SLASH) return ce - cs > 1 && hasAlnum(line, cs + 1, ce);
  if (c0 === BACKSLASH) return c1 === BACKSLASH;
  if (c0 === TILDE || c0 === DOT) {
    const slash = indexIn(line, '/', cs, Math.min(ce, cs + 3));
    return slash > cs && hasAlnum(line, slash, ce);
  }
  if (c1 === COLON && (cls(c0) & ALPHA) !== 0 && cs + 2 < ce) {
    const c2 = line.charCodeAt(cs + 2);
    if (c2 === BACKSLASH || c2 === SLASH) return true;
  }
  // jar:file:/x, file:/x — a scheme followed by a single slash.
  return indexIn(line, ':/', cs, ce - 1) > cs;
}

/** The index of `=` when `line[cs, ce)` is `key=value` with an identifier key; otherwise -1. */
function keyValueSplit(line: string, cs: number, ce: number): number {
  for (let k = cs; k < ce; k++) {
    const c = line.charCodeAt(k);
    if (c === EQUALS) return k > cs ? k : -1;
    if (!isAlnum(c) && (cls(c) & KEY) === 0) return -1;
  }
  return -1;
}

/** user@host.domain: a local part and a dotted domain of letters, digits, `.`, `-`. */
function isEmail(line: string, cs: number, ce: number): boolean {
  const at = indexIn(line, '@', cs, ce);
  if (at <= cs || at >= ce - 3) return false;
  let dot = false;
  for (let k = at + 1; k < ce; k++) {
    const c = line.charCodeAt(k);
    if (c === DOT) dot = true;
    else if (!isAlnum(c) && c !== MINUS) return false;
  }
  return dot;
}

/**
 * Where the variable part of a token with a digit begins: at the start of the identifier holding
 * the first digit (`blk_-42`, `worker-3` and `-5` are wholly variable), after a label and its
 * separator (`core.` in `core.12`, `PendingReds:` in `PendingReds:0`). Punctuation alone is no
 * label (`::1`, `#42`, `@0x7f`): then the whole core is the value.
 */
function variableStart(line: string, cs: number, digit: number): number {
  let a = digit;
  while (a > cs && isIdChar(line.charCodeAt(a - 1))) a--;
  if (a > cs && line.charCodeAt(a - 1) === PLUS) a--;
  return hasLetter(line, cs, a) ? a : cs;
}

/** The first index of `needle` inside `line[from, to)`, or -1; never scans past `to`. */
function indexIn(line: string, needle: string, from: number, to: number): number {
  const first = needle.charCodeAt(0);
  const last = to - needle.length;
  outer: for (let k = from; k <= last; k++) {
    if (line.charCodeAt(k) !== first) continue;
    for (let j = 1; j < needle.length; j++) {
      if (line.charCodeAt(k + j) !== needle.charCodeAt(j)) continue outer;
    }
    return k;
  }
  return -1;
}

function hasLetter(line: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if ((cls(line.charCodeAt(k)) & ALPHA) !== 0) return true;
  return false;
}

function hasAlnum(line: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (isAlnum(line.charCodeAt(k))) return true;
  return false;
}
