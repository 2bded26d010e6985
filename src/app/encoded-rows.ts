import type { EncodedPredictionRow, EncodedPredictionRows } from '../ports/index.js';

const COMMA = 0x2c;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encoded rows back to back as UTF-8 in one growing byte array, each followed by a comma: the bytes
 * live outside the JS heap, so a second's worth of rows waiting for their write is never copied or
 * promoted by a young collection (as strings, they were). `clear` keeps the memory for the next
 * rows, so a writer that recycles its buffers allocates nothing in steady state, unless it grew
 * past `keepBytes` (a backlog): then it starts small again rather than hold that much idle.
 */
export class EncodedRowBuffer implements EncodedPredictionRows {
  private bytes: Uint8Array;
  /** ends[i]: the offset just past row i's comma. */
  private ends: Uint32Array;
  private used = 0;
  private rows = 0;

  constructor(
    private readonly initialBytes = 64 * 1024,
    private readonly keepBytes = 4 * 1024 * 1024,
  ) {
    this.bytes = new Uint8Array(Math.max(16, initialBytes));
    this.ends = new Uint32Array(Math.max(16, initialBytes >>> 10));
  }

  get count(): number {
    return this.rows;
  }

  /** Bytes reserved for rows. */
  get capacityBytes(): number {
    return this.bytes.length;
  }

  push(row: EncodedPredictionRow): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8, plus the comma.
    const room = row.length * 3 + 1;
    if (this.used + room > this.bytes.length)
      this.bytes = grown(this.bytes, this.used, this.used + room, (n) => new Uint8Array(n));
    if (this.rows === this.ends.length)
      this.ends = grown(this.ends, this.rows, this.rows + 1, (n) => new Uint32Array(n));
    this.used += encoder.encodeInto(row, this.bytes.subarray(this.used)).written;
    this.bytes[this.used++] = COMMA;
    this.ends[this.rows++] = this.used;
  }

  joined(from: number, to: number): string {
    if (from < 0 || to > this.rows || from > to) throw new RangeError(`rows ${from}..${to} of ${this.rows}`);
    if (from === to) return '';
    const start = from === 0 ? 0 : this.ends[from - 1];
    return decoder.decode(this.bytes.subarray(start, this.ends[to - 1] - 1));
  }

  /** Rows [from, to) as rows of their own, over the same bytes (valid until the next clear). */
  range(from: number, to: number): EncodedPredictionRows {
    return { count: to - from, joined: (a, b) => this.joined(from + a, from + b) };
  }

  /** Forgets the rows; keeps the memory unless it grew past keepBytes. */
  clear(): void {
    this.used = 0;
    this.rows = 0;
    if (this.bytes.length > this.keepBytes) {
      this.bytes = new Uint8Array(Math.max(16, this.initialBytes));
      this.ends = new Uint32Array(Math.max(16, this.initialBytes >>> 10));
    }
  }
}

/** A copy of `array`'s first `used` elements in a new array of at least `need`, doubling. */
function grown<T extends Uint8Array | Uint32Array>(
  array: T,
  used: number,
  need: number,
  make: (size: number) => T,
): T {
  let size = array.length * 2;
  while (size < need) size *= 2;
  const next = make(size);
  next.set(array.subarray(0, used));
  return next;
}
