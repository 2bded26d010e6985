import { ValidationError } from '../shared/index.js';
import type { AnomalyRecord } from './features.js';

/** The original body's numeric fields, each with its upper bound; missing or null means 0 as before. */
const ORIGINAL_NUMBERS = [
  ['duration_seconds', Infinity],
  ['data_volume_mb', Infinity],
  ['failure_count_1h', Infinity],
  ['cpu_percent', 100],
  ['memory_percent', 100],
  ['retry_count', Infinity],
] as const;
/** Fields the original did not have: missing means unknown, not 0. */
const EXTRA_NUMBERS = [
  'throughput_per_minute',
  'latency_ms',
  'stage_duration_ratio',
  'new_template_rate',
] as const;

/**
 * Reads one detect/train record (the original body, SEED_API.md "Anomaly"). Missing or null numbers
 * of the original mean 0; a wrong type or range is a ValidationError naming `prefix + field`.
 */
export function parseAnomalyRecord(value: unknown, prefix = ''): AnomalyRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(prefix.replace(/\.$/, '') || 'body', 'must be a JSON object');
  }
  const body = value as Record<string, unknown>;
  const num = (name: string, max: number, missing: number): number => {
    const v = body[name];
    if (v === undefined || v === null) return missing;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ValidationError(prefix + name, `${prefix + name} must be a number`);
    }
    if (v < 0 || v > max) {
      throw new ValidationError(prefix + name, `${prefix + name} must be between 0 and ${max}, got ${v}`);
    }
    return v;
  };
  const record: AnomalyRecord = {
    pipeline_id: optionalString(body, 'pipeline_id', prefix),
    execution_id: optionalString(body, 'execution_id', prefix),
    time: optionalTime(body, prefix),
    duration_seconds: 0,
    data_volume_mb: 0,
    failure_count_1h: 0,
    cpu_percent: 0,
    memory_percent: 0,
    retry_count: 0,
    stage_errors: stageErrors(body.stage_errors, prefix),
    throughput_per_minute: NaN,
    latency_ms: NaN,
    stage_duration_ratio: NaN,
    new_template_rate: NaN,
  };
  for (const [name, max] of ORIGINAL_NUMBERS) record[name] = num(name, max, 0);
  for (const name of EXTRA_NUMBERS) record[name] = num(name, Infinity, NaN);
  return record;
}

/**
 * The train body: an array of records (the original), or nothing / `{}` (train from the store).
 * Returns null for the store case; anything else is a ValidationError naming the field.
 */
export function parseTrainingBody(value: unknown): AnomalyRecord[] | null {
  if (value === undefined || value === null || value === '') return null;
  if (Array.isArray(value)) return value.map((v, i) => parseAnomalyRecord(v, `${i}.`));
  if (typeof value === 'object' && Object.keys(value).length === 0) return null;
  throw new ValidationError('body', 'must be an array of records, or empty / {} to train from the store');
}

function optionalString(body: Record<string, unknown>, name: string, prefix: string): string | null {
  const v = body[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new ValidationError(prefix + name, `${prefix + name} must be a string`);
  return v;
}

function optionalTime(body: Record<string, unknown>, prefix: string): number | null {
  const v = body.timestamp;
  if (v === undefined || v === null) return null;
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(t)) {
    throw new ValidationError(prefix + 'timestamp', `${prefix}timestamp must be an ISO-8601 time`);
  }
  return t;
}

function stageErrors(v: unknown, prefix: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    throw new ValidationError(prefix + 'stage_errors', `${prefix}stage_errors must be a list of strings`);
  }
  return v.map((e, i) => {
    if (typeof e !== 'string') {
      throw new ValidationError(`${prefix}stage_errors.${i}`, `${prefix}stage_errors.${i} must be a string`);
    }
    return e;
  });
}
