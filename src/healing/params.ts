/**
 * Each action's parameters declared once, with bounds, defaults and meaning: the runbook validator
 * reads them through this table and docs/HEALING.md lists it.
 */
import type { ActionId, ActionParamsById, ActionSpec, RunbookProblem } from './types.js';

export type ParamSpec =
  | { kind: 'int' | 'number'; min: number; max: number; default: number | null; doc: string }
  | { kind: 'string'; default: string | null; doc: string }
  | { kind: 'enum'; values: readonly string[]; default: string; doc: string }
  | { kind: 'object'; fields: Readonly<Record<string, ParamSpec>>; doc: string };

const int = (min: number, max: number, dflt: number | null, doc: string): ParamSpec => ({
  kind: 'int',
  min,
  max,
  default: dflt,
  doc,
});
const text = (doc: string): ParamSpec => ({ kind: 'string', default: null, doc });

const HOUR_MS = 3_600_000;

/** The parameters of every action. */
export const ACTION_PARAMS: Readonly<Record<ActionId, Readonly<Record<string, ParamSpec>>>> = {
  retry_stage: {
    stage: text('stage to retry; default the failing stage'),
    max_attempts: int(1, 10, 3, 'retries before the ladder moves on'),
    backoff: {
      kind: 'object',
      doc: 'delay before each retry',
      fields: {
        base_ms: int(1, HOUR_MS, 1000, 'delay of the first retry (before jitter)'),
        max_ms: int(1, 24 * HOUR_MS, 60_000, 'cap on any delay; ≥ base_ms'),
        jitter: {
          kind: 'enum',
          values: ['full', 'none'],
          default: 'full',
          doc: 'full: uniform in [0, delay)',
        },
      },
    },
  },
  skip_stage: { stage: text('stage to skip; default the failing stage (never a critical one)') },
  pause_pipeline: {},
  resume_pipeline: {},
  scale_workers: {
    delta: int(1, 100, 1, 'workers to add'),
    max: int(1, 1000, 10, 'never more workers than this'),
  },
  rollback_pipeline: {
    to_version: int(1, Number.MAX_SAFE_INTEGER, null, 'version to restore; default the previous'),
  },
  terminate_execution: {},
  increase_timeout: {
    factor: { kind: 'number', min: 1.01, max: 10, default: 1.5, doc: 'new timeout = old × factor' },
    max_seconds: int(1, 7 * 24 * 3600, 86_400, 'never longer than this'),
  },
  restart_worker: {},
  switch_fallback: { target: text('fallback service or profile') },
  open_ticket: {
    severity: {
      kind: 'enum',
      values: ['low', 'medium', 'high', 'critical'],
      default: 'medium',
      doc: 'ticket severity',
    },
    title: text('ticket title; default one made from the decision'),
  },
  notify: { channel: text('where to notify'), message: text('message; default one made from the decision') },
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function readFields(
  fields: Readonly<Record<string, ParamSpec>>,
  raw: unknown,
  path: string,
  problems: RunbookProblem[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const given = raw === undefined || raw === null ? {} : raw;
  if (!isObject(given)) {
    problems.push({ path, message: 'must be an object' });
    return out;
  }
  for (const k of Object.keys(given))
    if (!(k in fields))
      problems.push({
        path: `${path}.${k}`,
        message: `unknown parameter (known: ${Object.keys(fields).join(', ') || 'none'})`,
      });
  for (const [name, spec] of Object.entries(fields))
    out[name] = readParam(spec, given[name], `${path}.${name}`, problems);
  return out;
}

function readParam(spec: ParamSpec, v: unknown, path: string, problems: RunbookProblem[]): unknown {
  if (spec.kind === 'object') return readFields(spec.fields, v, path, problems);
  if (v === undefined || v === null) return spec.default;
  switch (spec.kind) {
    case 'int':
    case 'number': {
      const ok =
        typeof v === 'number' && Number.isFinite(v) && (spec.kind === 'number' || Number.isInteger(v));
      if (!ok || (v as number) < spec.min || (v as number) > spec.max) {
        problems.push({
          path,
          message: `must be ${spec.kind === 'int' ? 'an integer' : 'a number'} in ${spec.min}..${spec.max}`,
        });
        return spec.default;
      }
      return v;
    }
    case 'string':
      if (typeof v !== 'string' || v.trim() === '') {
        problems.push({ path, message: 'must be a non-empty string' });
        return spec.default;
      }
      return v;
    case 'enum':
      if (typeof v !== 'string' || !spec.values.includes(v)) {
        problems.push({ path, message: `must be one of ${spec.values.join(', ')}` });
        return spec.default;
      }
      return v;
  }
}

/** An action's parameters from raw input, defaults filled; problems pushed with their path. */
export function parseActionParams<A extends ActionId>(
  action: A,
  raw: unknown,
  path: string,
  problems: RunbookProblem[],
): ActionParamsById[A] {
  const params = readFields(ACTION_PARAMS[action], raw, path, problems);
  if (action === 'retry_stage') {
    const b = params.backoff as { base_ms: number; max_ms: number };
    if (b.max_ms < b.base_ms)
      problems.push({ path: `${path}.backoff.max_ms`, message: 'must be ≥ backoff.base_ms' });
  }
  return params as unknown as ActionParamsById[A];
}

/** The action with every parameter at its default. */
export function defaultAction(action: ActionId): ActionSpec {
  return { action, params: parseActionParams(action, {}, 'params', []) } as ActionSpec;
}
