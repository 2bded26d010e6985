import type { FastifyInstance } from 'fastify';

/** Bodies up to this size are parsed as one text (they are small enough to be ordinary strings). */
export const WHOLE_TEXT_BYTES = 64 * 1024;
/** About how many bytes of the body each piece holds (it ends at the next item after this). */
const PIECE_BYTES = 32 * 1024;

const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
// Where one object item ends and the next begins, in the usual compact form.
const ITEM_END = Buffer.from('},');

/**
 * A large JSON body that is an array of objects (a batch), parsed a few tens of KiB at a time: the
 * same array as parsing the whole text, without ever making the whole text one string. A string
 * above 128 KiB is a large object, and each costs about a millisecond to allocate — more than parsing
 * it. Returns undefined when the caller must parse the whole text as before (and so get the same
 * value or error): a body up to WHOLE_TEXT_BYTES, one that is not plainly an array, one where a
 * piece does not parse, or one with an object holding a `__proto__` or `constructor` key — the only
 * objects the whole-text parse's proto-poisoning check (secure-json-parse, both actions 'error')
 * refuses; every other value it returns as JSON.parse gives it.
 *
 * Why the pieces give the same array: each piece is the body from one `},` to a later one, with `[`
 * and `]` added where the body's own are not, and is parsed with JSON.parse. If a `},` lies inside a
 * string, the piece ending there ends inside that string; if it closes an object nested in an item,
 * the piece leaves that item open — either way it is not JSON and the whole text is parsed instead.
 * So when every piece parses, and each after the first holds an item (an empty last piece is a
 * trailing comma), every cut was between two items, the body is the valid array of all the pieces'
 * items, and parsing it whole gives those items. The cuts are at ASCII bytes, so
 * decoding the pieces one by one gives the same characters as decoding the whole body.
 */
export function parseJsonArrayBody(body: Buffer): unknown[] | undefined {
  const n = body.length;
  if (n <= WHOLE_TEXT_BYTES) return undefined;
  let first = 0;
  while (first < n && isSpace(body[first])) first++;
  let last = n - 1;
  while (last > first && isSpace(body[last])) last--;
  if (body[first] !== OPEN_ARRAY || body[last] !== CLOSE_ARRAY) return undefined;
  const items: unknown[] = [];
  let from = 0;
  for (;;) {
    const cut = body.indexOf(ITEM_END, from + PIECE_BYTES);
    const end = cut < 0 || cut >= last ? n : cut + 1;
    const text = body.toString('utf8', from, end);
    let piece: unknown;
    try {
      piece = JSON.parse((from === 0 ? '' : '[') + text + (end === n ? '' : ']'));
    } catch {
      return undefined;
    }
    if (!Array.isArray(piece)) return undefined;
    // Every piece after the first follows a comma, so it must hold an item: an empty one is a
    // trailing comma (`},]`), which the whole body as JSON refuses.
    if (from > 0 && piece.length === 0) return undefined;
    for (const item of piece) items.push(item);
    if (end === n) return holdsPrototypeKey(items) ? undefined : items;
    from = end + 1;
  }
}

/** Whether any object in `value` (at any depth) has an own `__proto__` or `constructor` key. */
function holdsPrototypeKey(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (const item of v) if (typeof item === 'object' && item !== null) stack.push(item);
      continue;
    }
    if (Object.hasOwn(v, '__proto__') || Object.hasOwn(v, 'constructor')) return true;
    for (const key in v) {
      const item = (v as Record<string, unknown>)[key];
      if (typeof item === 'object' && item !== null) stack.push(item);
    }
  }
  return false;
}

/**
 * Makes `app` (an encapsulated scope) parse `application/json` bodies with parseJsonArrayBody, and
 * every body it leaves alone with Fastify's own parser (proto and constructor poisoning refused).
 */
export function useJsonArrayParser(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const items = parseJsonArrayBody(body as Buffer);
    if (items !== undefined) done(null, items);
    else json(request, (body as Buffer).toString('utf8'), done);
  });
}
