import { ValidationError } from '../shared/index.js';
import { field, type Obj } from './fields.js';
import { SIGNATURES, type Signature } from './signature-rules.js';

/** A stage of the failed run and its status word (`failed`, `completed`, …). */
export interface StageStatusInput {
  name: string;
  status: string | null;
}

/** A signature already mined for the run or stage (from the store), with how often it was seen. */
export interface SignatureCount {
  signature: Signature;
  count: number;
  /** An example template of the signature, quoted as evidence. */
  template: string | null;
}

/** A pipeline version change shortly before the failure. */
export interface VersionChange {
  version: string | null;
  changed_at: string | null;
  summary: string | null;
}

/** The body of `POST /api/ai/root-cause/analyze` (the original's fields plus optional context). */
export interface RootCauseRequest {
  stages: StageStatusInput[];
  logs: string[];
  metrics: { cpu_percent: number; memory_percent: number; latency_spike: boolean };
  history: { same_stage_failures_last_7d: number; recent_deployment: boolean };
  signatures: SignatureCount[];
  version_changes: VersionChange[];
}

const MAX_STAGES = 1000;
const MAX_LOG_ENTRIES = 10_000;
const MAX_CONTEXT_ITEMS = 1000;

/**
 * Reads a root-cause request body; a ValidationError names the first bad field. Missing numbers
 * mean 0 and missing flags false (the original's reading); wrong types are refused.
 */
export function parseRootCauseRequest(body: unknown): RootCauseRequest {
  const o = field.object(body, 'body');
  const metrics = field.optionalObject(o, 'metrics', 'metrics');
  const history = field.optionalObject(o, 'history', 'history');
  return {
    stages: field.list(o, 'stages', 'stages', MAX_STAGES, stage),
    logs: field.list(o, 'logs', 'logs', MAX_LOG_ENTRIES, (v, path) => {
      if (typeof v !== 'string') throw new ValidationError(path, `${path} must be a string`);
      return v;
    }),
    metrics: {
      cpu_percent: field.number(metrics, 'cpu_percent', 'metrics.cpu_percent', { min: 0, max: 100 }),
      memory_percent: field.number(metrics, 'memory_percent', 'metrics.memory_percent', { min: 0, max: 100 }),
      latency_spike: field.boolean(metrics, 'latency_spike', 'metrics.latency_spike'),
    },
    history: {
      same_stage_failures_last_7d: field.number(
        history,
        'same_stage_failures_last_7d',
        'history.same_stage_failures_last_7d',
        { min: 0, integer: true },
      ),
      recent_deployment: field.boolean(history, 'recent_deployment', 'history.recent_deployment'),
    },
    signatures: field.list(o, 'signatures', 'signatures', MAX_CONTEXT_ITEMS, signatureCount),
    version_changes: field.list(o, 'version_changes', 'version_changes', MAX_CONTEXT_ITEMS, versionChange),
  };
}

function stage(value: unknown, path: string): StageStatusInput {
  const s = field.object(value, path);
  // The prediction API names stages by `name` or `id`; accept either here too.
  const name = field.text(s, 'name', `${path}.name`, false) ?? field.text(s, 'id', `${path}.name`, true);
  return { name: name as string, status: field.text(s, 'status', `${path}.status`, false) };
}

function signatureCount(value: unknown, path: string): SignatureCount {
  const s: Obj = field.object(value, path);
  const signature = field.text(s, 'signature', `${path}.signature`, true);
  if (!(SIGNATURES as readonly string[]).includes(signature as string)) {
    throw new ValidationError(
      `${path}.signature`,
      `${path}.signature must be one of ${SIGNATURES.join('|')}`,
    );
  }
  return {
    signature: signature as Signature,
    count: field.number(s, 'count', `${path}.count`, { min: 0, integer: true }),
    template: field.text(s, 'template', `${path}.template`, false),
  };
}

function versionChange(value: unknown, path: string): VersionChange {
  const v = field.object(value, path);
  return {
    version: field.text(v, 'version', `${path}.version`, false),
    changed_at: field.text(v, 'changed_at', `${path}.changed_at`, false),
    summary: field.text(v, 'summary', `${path}.summary`, false),
  };
}
