import { ValidationError } from '../shared/index.js';

/** A JSON object read from a request body. */
export type Obj = Readonly<Record<string, unknown>>;

/**
 * Field readers for request bodies: each returns the typed value or throws a ValidationError naming
 * the field by its dotted path (`stages.2.name`). Missing or null numbers read as 0 and missing
 * booleans as false, as the original service did; a wrong type is always an error.
 */
export const field = {
  object(value: unknown, path: string): Obj {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ValidationError(path, `${path} must be a JSON object`);
    }
    return value as Obj;
  },

  /** An optional nested object; absent or null reads as an empty one. */
  optionalObject(o: Obj, key: string, path: string): Obj {
    const v = o[key];
    return v === undefined || v === null ? {} : field.object(v, path);
  },

  number(
    o: Obj,
    key: string,
    path: string,
    bounds: { min?: number; max?: number; integer?: boolean } = {},
  ): number {
    const v = o[key];
    if (v === undefined || v === null) return 0;
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ValidationError(path, `${path} must be a finite number`);
    if (bounds.integer && !Number.isInteger(v))
      throw new ValidationError(path, `${path} must be a whole number`);
    if (bounds.min !== undefined && v < bounds.min)
      throw new ValidationError(path, `${path} must be ≥ ${bounds.min}`);
    if (bounds.max !== undefined && v > bounds.max)
      throw new ValidationError(path, `${path} must be ≤ ${bounds.max}`);
    return v;
  },

  boolean(o: Obj, key: string, path: string): boolean {
    const v = o[key];
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') throw new ValidationError(path, `${path} must be true or false`);
    return v;
  },

  /** A string; `required` makes absence an error, otherwise absence reads as null. */
  text(o: Obj, key: string, path: string, required: boolean, maxLength = 64 * 1024): string | null {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) throw new ValidationError(path, `${path} is required`);
      return null;
    }
    if (typeof v !== 'string') throw new ValidationError(path, `${path} must be a string`);
    if (v.length > maxLength)
      throw new ValidationError(path, `${path} is longer than ${maxLength} characters`);
    return v;
  },

  /** A list (absent or null reads as empty), each item read by `item` with its index in the path. */
  list<T>(
    o: Obj,
    key: string,
    path: string,
    maxItems: number,
    item: (value: unknown, path: string) => T,
  ): T[] {
    const v = o[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new ValidationError(path, `${path} must be a list`);
    if (v.length > maxItems) throw new ValidationError(path, `${path} has more than ${maxItems} items`);
    return v.map((x: unknown, i: number) => item(x, `${path}.${i}`));
  },
};
