import { describe, expect, it } from 'vitest';
import { SeededRng } from '../shared/index.js';
import { parseJsonArrayBody, WHOLE_TEXT_BYTES } from './json-array.js';

const record = (i: number) => ({
  pipeline_id: `p-${i % 37}`,
  status: i % 20 === 0 ? 'failed' : 'completed',
  duration_seconds: 30 + (i % 50),
  cpu_percent: 40.5 + (i % 30),
  error_message: i % 20 === 0 ? `timeout after ${i % 90}s` : null,
});
const batch = (n: number, item: (i: number) => unknown = record) =>
  Array.from({ length: n }, (_, i) => item(i));
const body = (text: string) => Buffer.from(text, 'utf8');

describe('parseJsonArrayBody', () => {
  it('parses a large batch piece by piece into exactly what JSON.parse gives', () => {
    const text = JSON.stringify(batch(3000));
    expect(text.length).toBeGreaterThan(3 * WHOLE_TEXT_BYTES);
    expect(parseJsonArrayBody(body(text))).toEqual(JSON.parse(text));
    // Pretty-printed, with space around the brackets.
    const pretty = `\n  ${JSON.stringify(batch(3000), null, 2)} \r\n`;
    expect(parseJsonArrayBody(body(pretty))).toEqual(JSON.parse(pretty));
  });

  it('leaves small bodies and bodies that are not an array to the whole-text parse', () => {
    expect(parseJsonArrayBody(body(JSON.stringify(batch(10))))).toBeUndefined();
    const big = JSON.stringify({ items: batch(3000) });
    expect(big.length).toBeGreaterThan(WHOLE_TEXT_BYTES);
    expect(parseJsonArrayBody(body(big))).toBeUndefined();
    expect(parseJsonArrayBody(body(`\ufeff${JSON.stringify(batch(3000))}`))).toBeUndefined();
  });

  it('never answers a different value: "}," inside strings, nested objects and arrays, other characters', () => {
    const rng = new SeededRng(7);
    const texts = ['},', '}, {', 'é}, ✓', '"},{"', '\\"},', 'x\\\\', '{"a":1},'];
    const item = (i: number) => {
      const pick = rng.int(5);
      if (pick === 0) return { ...record(i), note: texts[i % texts.length].repeat(1 + (i % 3)) };
      if (pick === 1)
        return { ...record(i), labels: { fault: 'slow', stages: [{ a: 1 }, { b: [2, { c: 3 }] }] } };
      if (pick === 2) return [record(i), { x: i }];
      if (pick === 3) return `str},${i}`;
      return record(i);
    };
    for (let round = 0; round < 30; round++) {
      const text = JSON.stringify(batch(2500, item));
      const got = parseJsonArrayBody(body(text));
      if (got !== undefined) expect(got).toEqual(JSON.parse(text));
    }
  });

  it('refuses a cut inside a string or inside an item (the piece is not JSON)', () => {
    // Items up to just below 32 KiB, then one whose string (or nested object) holds the first "},"
    // past it: the first piece would end there.
    const head: unknown[] = [];
    for (let i = 0; JSON.stringify(head).length < 32 * 1024 - 300; i++) head.push(record(i));
    const long = 'x'.repeat(1000);
    const inString = JSON.stringify([...head, { note: `${long}},{"b":1` }, ...batch(400)]);
    const cut = inString.indexOf('},', 32 * 1024);
    expect(inString.slice(cut - 2, cut + 5)).toBe('xx},{\\"');
    expect(parseJsonArrayBody(body(inString))).toBeUndefined();
    const nested = JSON.stringify([...head, { note: long, labels: { a: 1 }, x: 2 }, ...batch(400)]);
    expect(nested.slice(nested.indexOf('},', 32 * 1024) - 5)).toMatch(/^"a":1},"x"/);
    expect(parseJsonArrayBody(body(nested))).toBeUndefined();
    const inArray = JSON.stringify([...head, [{ note: long }, { a: 1 }], ...batch(400)]);
    expect(parseJsonArrayBody(body(inArray))).toBeUndefined();
    // The same bodies without those items parse in pieces.
    const plain = JSON.stringify([...head, record(1), ...batch(400)]);
    expect(parseJsonArrayBody(body(plain))).toEqual(JSON.parse(plain));
  });

  it('gives invalid JSON back to the whole-text parse (which reports the error)', () => {
    const text = JSON.stringify(batch(3000));
    const invalid = [
      `${text.slice(0, -1)},]`, // trailing comma
      text.slice(0, -1), // no closing bracket
      `${text}]`, // one bracket too many
      text.replace('"p-3"', '"p-3"x'), // garbage inside an item
      text.replace(/},\{/g, '} {'), // items without commas
    ];
    for (const t of invalid) {
      expect(() => JSON.parse(t)).toThrow();
      expect(parseJsonArrayBody(body(t))).toBeUndefined();
    }
  });

  it('refuses a trailing comma that falls on a cut (an empty last piece), as JSON.parse does', () => {
    const text = JSON.stringify(batch(6000));
    // The cuts the parse makes: the first "}," at least PIECE_BYTES past the previous one.
    const bytes = body(text);
    const cuts: number[] = [];
    for (let from = 0; cuts.length < 3; from = cuts[cuts.length - 1] + 2) {
      cuts.push(bytes.indexOf('},', from + 32 * 1024));
    }
    // End the array right after the third cut's item, with a comma (and space) before the bracket.
    for (const tail of [',]', ', ]', ',\n]\n']) {
      const t = `${text.slice(0, cuts[2] + 1)}${tail}`;
      expect(t.length).toBeGreaterThan(WHOLE_TEXT_BYTES);
      expect(() => JSON.parse(t)).toThrow();
      expect(parseJsonArrayBody(body(t))).toBeUndefined();
    }
  });

  it('gives objects with a __proto__ or constructor key, at any depth, back to the whole-text parse', () => {
    const withExtra = (extra: string, at = 2500) =>
      JSON.stringify(batch(3000)).replace(
        `{"pipeline_id":"p-${at % 37}"`,
        `{${extra},"pipeline_id":"p-${at % 37}"`,
      );
    for (const extra of [
      '"__proto__":{"x":1}',
      '"\\u005f_proto__":1', // the same key, escaped
      '"constructor":{"prototype":{}}',
      '"constructor":"not refused by the check, left to it all the same"',
      '"labels":{"deep":[1,{"__proto__":null}]}',
      '"labels":[[{"constructor":1}]]',
    ]) {
      expect(parseJsonArrayBody(body(withExtra(extra)))).toBeUndefined();
    }
    // Escapes and look-alike words elsewhere are parsed in pieces as usual.
    for (const extra of ['"n":"\\u0041 __proto__ constructor"', '"proto":{"constructor_name":"x"}']) {
      const text = withExtra(extra);
      expect(parseJsonArrayBody(body(text))).toEqual(JSON.parse(text));
    }
  });

  it('decodes the pieces as the whole body decodes: multi-byte characters and invalid UTF-8', () => {
    const items = batch(3000, (i) => ({ ...record(i), note: i % 3 === 0 ? 'Grüße, 東京 🚀' : 'plain' }));
    const bytes = body(JSON.stringify(items));
    // An invalid UTF-8 byte inside a string becomes U+FFFD in both.
    const at = bytes.indexOf('plain');
    bytes[at + 1] = 0xff;
    const expected = JSON.parse(bytes.toString('utf8'));
    expect(expected[1].note).toBe('p\ufffdain');
    expect(parseJsonArrayBody(bytes)).toEqual(expected);
  });
});
