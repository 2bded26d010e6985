import { ValidationError } from '../../shared/index.js';

/**
 * Readers for column values as database drivers hand them over: timestamps as Date, ISO string or
 * epoch ms; numeric as number, decimal string or bigint; JSON as a parsed value or its text. Each
 * returns the typed value or throws a ValidationError naming the column.
 */
export type Row = Readonly<Record<string, unknown>>;

const MAX_ID_LENGTH = 256;

export const col = {
  /** A required id (uuid or bigserial) as a string. */
  id(row: Row, name: string): string {
    const v = col.optId(row, name);
    if (v === null) throw new ValidationError(name, `${name} is null`);
    return v;
  },

  /** An optional id as a string; null when absent. */
  optId(row: Row, name: string): string | null {
    const v = row[name];
    if (v === undefined || v === null) return null;
    const s = typeof v === 'number' || typeof v === 'bigint' ? String(v) : v;
    if (typeof s !== 'string' || s.length === 0 || s.length > MAX_ID_LENGTH || s.includes('\u0000'))
      throw new ValidationError(name, `${name} is not a valid id`);
    return s;
  },

  /** Optional text; null when absent. */
  text(row: Row, name: string): string | null {
    const v = row[name];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw new ValidationError(name, `${name} must be text`);
    return v.includes('\u0000') ? v.replace(/\u0000/g, '') : v;
  },

  /** Optional timestamp in epoch ms. */
  time(row: Row, name: string): number | null {
    const v = row[name];
    if (v === undefined || v === null) return null;
    const ms = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : v;
    if (typeof ms !== 'number' || !Number.isFinite(ms))
      throw new ValidationError(name, `${name} is not a timestamp`);
    return ms;
  },

  /** Optional finite number (numeric columns arrive as strings from most drivers). */
  num(row: Row, name: string): number | null {
    return toNumber(row[name], name);
  },

  /** Optional JSON object; a JSON text is parsed; anything else (garbage, arrays, scalars) is an error. */
  object(row: Row, name: string): Row | null {
    let v = row[name];
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') {
      try {
        v = JSON.parse(v) as unknown;
      } catch {
        throw new ValidationError(name, `${name} is not valid JSON`);
      }
      if (v === null) return null;
    }
    if (typeof v !== 'object' || Array.isArray(v) || v instanceof Date)
      throw new ValidationError(name, `${name} must be a JSON object`);
    return v as Row;
  },

  /** Optional word from an allowed list. */
  oneOf<T extends string>(row: Row, name: string, allowed: readonly T[]): T | null {
    const v = row[name];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v))
      throw new ValidationError(name, `${name} ${JSON.stringify(v)} is not one of ${allowed.join('|')}`);
    return v as T;
  },
};

/** A finite number from number, decimal string or bigint; null when absent. */
export function toNumber(v: unknown, name: string): number | null {
  if (v === undefined || v === null) return null;
  const n =
    typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isFinite(n) || (typeof v === 'string' && v.trim() === ''))
    throw new ValidationError(name, `${name} must be a finite number`);
  return n;
}

/** A non-negative number from a JSON bag, or null (numbers the FlexiRoaster tables keep in jsonb). */
export function bagNumber(bag: Row | null, name: string, field: string): number | null {
  if (bag === null) return null;
  const n = toNumber(bag[name], `${field}.${name}`);
  if (n !== null && n < 0) throw new ValidationError(`${field}.${name}`, `${field}.${name} must be ≥ 0`);
  return n;
}
