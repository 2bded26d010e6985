import { AppError } from '../shared/index.js';

/** One hyperparameter: default, bounds and doc, declared once; validation and docs come from it. */
export type ParamSpec =
  | {
      kind: 'number';
      /** A number, or one of `words` (e.g. contamination = 'auto'). */
      default: number | string;
      doc: string;
      min?: number;
      max?: number;
      /** Bounds that the value must stay strictly inside of. */
      exclusiveMin?: boolean;
      exclusiveMax?: boolean;
      integer?: boolean;
      /** Words accepted instead of a number, e.g. 'auto'. */
      words?: readonly string[];
    }
  | { kind: 'bool'; default: boolean; doc: string }
  | { kind: 'enum'; default: string; doc: string; choices: readonly string[] };

export type ParamTable = Readonly<Record<string, ParamSpec>>;

type ValueOf<S extends ParamSpec> = S extends { kind: 'number'; words: readonly (infer W)[] }
  ? number | W
  : S extends { kind: 'number' }
    ? number
    : S extends { kind: 'bool' }
      ? boolean
      : S extends { kind: 'enum'; choices: readonly (infer C)[] }
        ? C
        : never;

/** The validated parameters of a table. */
export type Params<T extends ParamTable> = { readonly [K in keyof T]: ValueOf<T[K]> };

/**
 * Validates `input` against `table`, fills defaults and freezes the result. Errors name the model
 * and the parameter (code INVALID_HYPERPARAMETER, field = parameter name).
 */
export function resolveParams<T extends ParamTable>(
  model: string,
  table: T,
  input: Readonly<Record<string, unknown>> = {},
): Params<T> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(input)) {
    if (!(name in table)) {
      throw new AppError('INVALID_HYPERPARAMETER', `${model}: unknown hyperparameter "${name}"`, {
        field: name,
      });
    }
  }
  for (const [name, spec] of Object.entries(table)) {
    const value = input[name];
    out[name] = value === undefined ? spec.default : check(model, name, spec, value);
  }
  return Object.freeze(out) as Params<T>;
}

function check(model: string, name: string, spec: ParamSpec, value: unknown): unknown {
  const fail = (why: string): never => {
    throw new AppError('INVALID_HYPERPARAMETER', `${model}: ${name} ${why}, got ${JSON.stringify(value)}`, {
      field: name,
    });
  };
  switch (spec.kind) {
    case 'bool':
      return typeof value === 'boolean' ? value : fail('must be true or false');
    case 'enum':
      return typeof value === 'string' && spec.choices.includes(value)
        ? value
        : fail(`must be one of ${spec.choices.join(', ')}`);
    case 'number': {
      if (typeof value === 'string' && spec.words?.includes(value)) return value;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return fail(`must be a finite number${spec.words ? ` or ${spec.words.join('/')}` : ''}`);
      }
      if (spec.integer && !Number.isInteger(value)) fail('must be a whole number');
      if (spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min)) {
        fail(`must be ${spec.exclusiveMin ? '>' : '≥'} ${spec.min}`);
      }
      if (spec.max !== undefined && (spec.exclusiveMax ? value >= spec.max : value > spec.max)) {
        fail(`must be ${spec.exclusiveMax ? '<' : '≤'} ${spec.max}`);
      }
      return value;
    }
  }
}
