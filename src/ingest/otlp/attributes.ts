import { ValidationError } from '../../shared/index.js';

type Obj = Readonly<Record<string, unknown>>;

/** OTLP/JSON `[{key, value: {stringValue|intValue|doubleValue|boolValue}}]` → a plain map of scalars as text. */
export function readAttributes(value: unknown, field: string): Map<string, string> {
  const out = new Map<string, string>();
  if (value === undefined || value === null) return out;
  if (!Array.isArray(value)) throw new ValidationError(field, `${field} must be a list`);
  value.forEach((item: unknown, i) => {
    const at = `${field}.${i}`;
    const kv = asObject(item, at);
    if (typeof kv.key !== 'string') throw new ValidationError(`${at}.key`, `${at}.key must be a string`);
    const v = kv.value === undefined || kv.value === null ? {} : asObject(kv.value, `${at}.value`);
    const scalar = v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue;
    if (scalar !== undefined && scalar !== null) out.set(kv.key, String(scalar));
  });
  return out;
}

/** The value as a JSON object, or a ValidationError naming the field. */
export function asObject(value: unknown, field: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ValidationError(field, `${field} must be an object`);
  return value as Obj;
}

/** An optional list at `o[name]`; empty when absent. */
export function asList(o: Obj, name: string, field: string): readonly unknown[] {
  const v = o[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ValidationError(`${field}.${name}`, `${field}.${name} must be a list`);
  return v;
}

/** OTLP/JSON numbers: doubles as numbers, 64-bit ints as decimal strings (or numbers). */
export function otlpNumber(value: unknown, field: string): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  if (!Number.isFinite(n)) throw new ValidationError(field, `${field} must be a finite number`);
  return n;
}
