import { ValidationError } from '../shared/index.js';

/** What a decoder needs from the outside: the receive time and a source of unique ids. */
export interface DecodeContext {
  receivedAt: number;
  /** A unique id for a record that has none (it becomes a new event each time). */
  newId(): string;
  /** How far ahead of receipt a timestamp may be; default 5 minutes. */
  maxFutureMs?: number;
}

export type Obj = Readonly<Record<string, unknown>>;

const MAX_ID_LENGTH = 256;
const MAX_TEXT_LENGTH = 64 * 1024;
const DEFAULT_MAX_FUTURE_MS = 5 * 60_000;

/** Field readers: each returns the typed value or throws a ValidationError naming the field. */
export const read = {
  object(value: unknown, field: string): Obj {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ValidationError(field || 'body', `${field || 'body'} must be a JSON object`);
    }
    return value as Obj;
  },

  /** A required or optional identifier: non-empty string (numbers accepted), no NUL, bounded. */
  id(o: Obj, field: string, required: boolean): string | null {
    const v = o[field];
    if (v === undefined || v === null) {
      if (required) throw new ValidationError(field, `${field} is required`);
      return null;
    }
    const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
    if (typeof s !== 'string') throw new ValidationError(field, `${field} must be a string`);
    if (s.length === 0) throw new ValidationError(field, `${field} must not be empty`);
    if (s.length > MAX_ID_LENGTH)
      throw new ValidationError(field, `${field} is longer than ${MAX_ID_LENGTH}`);
    if (s.includes('\u0000')) throw new ValidationError(field, `${field} must not contain NUL bytes`);
    return s;
  },

  /** Optional free text; null when absent. */
  text(o: Obj, field: string, maxLength = MAX_TEXT_LENGTH): string | null {
    const v = o[field];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw new ValidationError(field, `${field} must be a string`);
    if (v.length > maxLength)
      throw new ValidationError(field, `${field} is longer than ${maxLength} characters`);
    if (v.includes('\u0000')) throw new ValidationError(field, `${field} must not contain NUL bytes`);
    return v;
  },

  /**
   * A finite number in [min, max]. Missing or null gives `absent` (0 for the original's fields,
   * null where "not reported" matters). Strings are a type error, as are NaN/Infinity.
   */
  num<A extends number | null>(
    o: Obj,
    field: string,
    absent: A,
    opts: { min?: number; max?: number; integer?: boolean } = {},
  ): number | A {
    const v = o[field];
    if (v === undefined || v === null) return absent;
    if (typeof v !== 'number') throw new ValidationError(field, `${field} must be a number`);
    if (!Number.isFinite(v)) throw new ValidationError(field, `${field} must be finite`);
    if (opts.integer && !Number.isInteger(v))
      throw new ValidationError(field, `${field} must be a whole number`);
    if (opts.min !== undefined && v < opts.min)
      throw new ValidationError(field, `${field} must be ≥ ${opts.min}`);
    if (opts.max !== undefined && v > opts.max)
      throw new ValidationError(field, `${field} must be ≤ ${opts.max}`);
    return v;
  },

  percent(o: Obj, field: string, absent: number | null): number | null {
    return read.num(o, field, absent, { min: 0, max: 100 });
  },

  count(o: Obj, field: string): number {
    return read.num(o, field, 0, { min: 0, integer: true });
  },

  bool(o: Obj, field: string, absent: boolean): boolean {
    const v = o[field];
    if (v === undefined || v === null) return absent;
    if (typeof v !== 'boolean') throw new ValidationError(field, `${field} must be true or false`);
    return v;
  },

  /** One of the allowed words; `absent` when missing. */
  oneOf<T extends string, A extends T | null>(
    o: Obj,
    field: string,
    allowed: readonly T[],
    absent: A,
  ): T | A {
    const v = o[field];
    if (v === undefined || v === null) return absent;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      throw new ValidationError(field, `${field} must be one of ${allowed.join('|')}`);
    }
    return v as T;
  },

  /** An ISO-8601 timestamp (or epoch ms), not more than the allowed skew in the future. */
  time(o: Obj, field: string, ctx: DecodeContext): number | null {
    const v = o[field];
    if (v === undefined || v === null) return null;
    let ms: number;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new ValidationError(field, `${field} must be finite`);
      ms = v;
    } else if (typeof v === 'string') {
      ms = ISO_8601.test(v) ? Date.parse(v) : NaN;
      if (Number.isNaN(ms)) throw new ValidationError(field, `${field} must be an ISO-8601 timestamp`);
    } else {
      throw new ValidationError(field, `${field} must be an ISO-8601 timestamp`);
    }
    if (ms < 0) throw new ValidationError(field, `${field} is before 1970`);
    if (ms > ctx.receivedAt + (ctx.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS)) {
      throw new ValidationError(field, `${field} is more than 5 minutes in the future`);
    }
    return ms;
  },

  /** A list of strings (e.g. stage_errors); empty when absent. */
  strings(o: Obj, field: string, maxItems = 1000): string[] {
    const v = o[field];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new ValidationError(field, `${field} must be a list of strings`);
    if (v.length > maxItems) throw new ValidationError(field, `${field} has more than ${maxItems} items`);
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      if (typeof item !== 'string')
        throw new ValidationError(`${field}.${i}`, `${field}.${i} must be a string`);
      if (item.includes('\u0000'))
        throw new ValidationError(`${field}.${i}`, `${field}.${i} must not contain NUL bytes`);
    }
    return v as string[];
  },
};

const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
