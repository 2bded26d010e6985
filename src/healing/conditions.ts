/**
 * The runbook condition language: `{all: [...]}`, `{any: [...]}`, `{not: …}` and field comparisons
 * `{field, op, value}` over the context fields of fields.ts. Validation collects every problem with
 * its JSON path; evaluation is total (a comparison with an absent field is false, `exists` says so).
 */
import { resolveField, type FieldType, type FieldValue } from './fields.js';
import {
  CONDITION_OPS,
  type Condition,
  type ConditionOp,
  type ConditionValue,
  type HealingContext,
  type RunbookProblem,
} from './types.js';

const ORDERING: ReadonlySet<ConditionOp> = new Set(['>', '>=', '<', '<=']);
const SCALAR_TYPES: Readonly<Record<FieldType, string>> = {
  number: 'number',
  string: 'string',
  boolean: 'boolean',
  strings: 'string',
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const join = (path: string, key: string | number): string => (path === '' ? String(key) : `${path}.${key}`);

/**
 * Reads a condition; every problem found is pushed to `problems` (path, message). Returns null when
 * the condition is unusable.
 */
export function parseCondition(raw: unknown, path: string, problems: RunbookProblem[]): Condition | null {
  if (!isObject(raw)) {
    problems.push({ path, message: 'must be an object: {all}, {any}, {not} or {field, op, value}' });
    return null;
  }
  const keys = Object.keys(raw);
  const forms = keys.filter((k) => k === 'all' || k === 'any' || k === 'not' || k === 'field');
  if (forms.length !== 1) {
    problems.push({
      path,
      message:
        forms.length === 0
          ? `must have one of all, any, not or field (has ${keys.join(', ') || 'nothing'})`
          : `must have only one of all, any, not or field (has ${forms.join(', ')})`,
    });
    return null;
  }
  const form = forms[0];
  if (form === 'field') return parseComparison(raw, path, problems);
  for (const k of keys)
    if (k !== form) problems.push({ path: join(path, k), message: `unknown key next to ${form}` });
  if (form === 'not') {
    const inner = parseCondition(raw.not, join(path, 'not'), problems);
    return inner === null ? null : { not: inner };
  }
  const list = raw[form];
  if (!Array.isArray(list) || list.length === 0) {
    problems.push({ path: join(path, form), message: 'must be a non-empty list of conditions' });
    return null;
  }
  const parts = list.map((c, i) => parseCondition(c, join(join(path, form), i), problems));
  if (parts.some((p) => p === null)) return null;
  return form === 'all' ? { all: parts as Condition[] } : { any: parts as Condition[] };
}

function parseComparison(
  raw: Record<string, unknown>,
  path: string,
  problems: RunbookProblem[],
): Condition | null {
  const before = problems.length;
  for (const k of Object.keys(raw))
    if (k !== 'field' && k !== 'op' && k !== 'value')
      problems.push({ path: join(path, k), message: 'unknown key (a comparison has field, op, value)' });
  const field = raw.field;
  const resolved = typeof field === 'string' ? resolveField(field) : null;
  if (typeof field !== 'string') problems.push({ path: join(path, 'field'), message: 'must be a string' });
  else if (resolved === null)
    problems.push({ path: join(path, 'field'), message: `unknown field "${field}" (see docs/HEALING.md)` });
  const op = raw.op;
  if (typeof op !== 'string' || !(CONDITION_OPS as readonly string[]).includes(op)) {
    problems.push({ path: join(path, 'op'), message: `must be one of ${CONDITION_OPS.join(', ')}` });
    return null;
  }
  if (resolved !== null)
    checkValue(resolved.type, op as ConditionOp, raw.value, join(path, 'value'), problems);
  if (problems.length > before || resolved === null) return null;
  const value = raw.value as ConditionValue | ConditionValue[] | undefined;
  return value === undefined
    ? { field: field as string, op: op as ConditionOp }
    : { field: field as string, op: op as ConditionOp, value };
}

function checkValue(
  type: FieldType,
  op: ConditionOp,
  value: unknown,
  path: string,
  problems: RunbookProblem[],
): void {
  const scalar = SCALAR_TYPES[type];
  const bad = (message: string) => problems.push({ path, message });
  if (op === 'exists') {
    if (value !== undefined && typeof value !== 'boolean')
      bad('must be true or false (or left out) for exists');
    return;
  }
  if (op === 'in' || op === 'not_in') {
    if (!Array.isArray(value) || value.length === 0) return void bad(`must be a non-empty list for ${op}`);
    value.forEach((v, i) => {
      if (typeof v !== scalar || (typeof v === 'number' && !Number.isFinite(v)))
        problems.push({ path: join(path, i), message: `must be a ${scalar}` });
    });
    return;
  }
  if (op === 'contains') {
    if (type !== 'strings' && type !== 'string')
      return void bad(`contains needs a string or list field, not a ${type}`);
    if (typeof value !== 'string') bad('must be a string');
    return;
  }
  if (ORDERING.has(op)) {
    if (type !== 'number') return void bad(`${op} needs a number field, not a ${type}`);
    if (typeof value !== 'number' || !Number.isFinite(value)) bad('must be a finite number');
    return;
  }
  if (type === 'strings') return void bad(`${op} does not apply to a list field; use contains or in`);
  if (typeof value !== scalar || (typeof value === 'number' && !Number.isFinite(value)))
    bad(`must be a ${scalar}`);
}

/** Whether the condition holds for the context. */
export function evaluateCondition(cond: Condition, ctx: HealingContext): boolean {
  if ('all' in cond) return cond.all.every((c) => evaluateCondition(c, ctx));
  if ('any' in cond) return cond.any.some((c) => evaluateCondition(c, ctx));
  if ('not' in cond) return !evaluateCondition(cond.not, ctx);
  const field = resolveField(cond.field);
  // A condition built in code may name a field the validator never saw: it reads as absent.
  const v = field === null ? undefined : field.read(ctx);
  return compare(v, cond.op, cond.value);
}

function compare(
  v: FieldValue,
  op: ConditionOp,
  value: ConditionValue | readonly ConditionValue[] | undefined,
): boolean {
  if (op === 'exists') return (v !== undefined) === (value ?? true);
  if (v === undefined) return false;
  const list = Array.isArray(value) ? (value as readonly ConditionValue[]) : null;
  if (Array.isArray(v)) {
    const items = v as readonly string[];
    if (op === 'contains') return items.includes(value as string);
    if (op === 'in') return list !== null && items.some((x) => list.includes(x));
    if (op === 'not_in') return list !== null && !items.some((x) => list.includes(x));
    return false;
  }
  const x = v as ConditionValue;
  switch (op) {
    case '==':
      return x === value;
    case '!=':
      return x !== value;
    case '>':
      return typeof x === 'number' && x > (value as number);
    case '>=':
      return typeof x === 'number' && x >= (value as number);
    case '<':
      return typeof x === 'number' && x < (value as number);
    case '<=':
      return typeof x === 'number' && x <= (value as number);
    case 'in':
      return list !== null && list.includes(x);
    case 'not_in':
      return list !== null && !list.includes(x);
    case 'contains':
      return typeof x === 'string' && typeof value === 'string' && x.includes(value);
  }
}
