import { ValidationError } from '../shared/index.js';
import { ORIGINAL_FEATURES, PREDICTION_FEATURES, type FeatureValues } from './features.js';
import type { StageRiskInput } from './stage-risk.js';

/** One predict body (SEED_API.md "Prediction"), read. */
export interface PredictRequest {
  features: FeatureValues;
  pipeline_id: string | null;
  stages: StageRiskInput[];
  /** The pipeline's timeout for the duration forecast; null = unknown (the catalog's is used). */
  timeout_seconds: number | null;
}

/** One training sample of the original train body. */
export interface TrainingSample {
  features: FeatureValues;
  failed: boolean;
}

/** Upper bounds of the original features (all ≥ 0). */
const BOUNDS: Record<(typeof ORIGINAL_FEATURES)[number], number> = {
  historical_failure_rate: 1,
  recent_error_count: Infinity,
  stage_count: Infinity,
  critical_stage_count: Infinity,
  avg_cpu_percent: 100,
  avg_memory_percent: 100,
  retry_frequency: Infinity,
};
const ORIGINAL = new Set<string>(ORIGINAL_FEATURES);
const EXTRA = PREDICTION_FEATURES.filter((f) => !ORIGINAL.has(f));

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(field, `${field} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function number(
  body: Record<string, unknown>,
  name: string,
  field: string,
  missing: number,
  max = Infinity,
): number {
  const v = body[name];
  if (v === undefined || v === null) return missing;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ValidationError(field, `${field} must be a number`);
  if (v < 0 || v > max) throw new ValidationError(field, `${field} must be between 0 and ${max}, got ${v}`);
  return v;
}

/**
 * The features of a sample: the original seven (missing or null = 0, as before) and any of the
 * service's other features the caller knows (missing = unknown). A wrong type or range names the field.
 */
export function parseSampleFeatures(value: unknown, prefix = ''): FeatureValues {
  const body = object(value, prefix.replace(/\.$/, '') || 'body');
  const f: FeatureValues = {};
  for (const name of ORIGINAL_FEATURES) f[name] = number(body, name, prefix + name, 0, BOUNDS[name]);
  for (const name of EXTRA) {
    const v = body[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ValidationError(prefix + name, `${prefix + name} must be a number`);
    }
    f[name] = v;
  }
  if (f.critical_stage_count > f.stage_count && body.stage_count !== undefined && body.stage_count !== null) {
    throw new ValidationError(
      prefix + 'critical_stage_count',
      `${prefix}critical_stage_count (${f.critical_stage_count}) exceeds stage_count (${f.stage_count})`,
    );
  }
  return f;
}

/** Reads the predict body: one sample, optional `stages`, `pipeline_id`, `timeout_seconds`. */
export function parsePredictRequest(value: unknown): PredictRequest {
  const body = object(value, 'body');
  const features = parseSampleFeatures(body);
  const pipelineId = body.pipeline_id;
  if (pipelineId !== undefined && pipelineId !== null && typeof pipelineId !== 'string') {
    throw new ValidationError('pipeline_id', 'pipeline_id must be a string');
  }
  const timeout = number(body, 'timeout_seconds', 'timeout_seconds', NaN);
  return {
    features,
    pipeline_id: typeof pipelineId === 'string' ? pipelineId : null,
    stages: parseStages(body.stages),
    timeout_seconds: Number.isNaN(timeout) || timeout === 0 ? null : timeout,
  };
}

function parseStages(value: unknown): StageRiskInput[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ValidationError('stages', 'stages must be a list of stages');
  const seen = new Set<string>();
  return value.map((v, i) => {
    const field = `stages.${i}`;
    const s = object(v, field);
    const name = typeof s.name === 'string' && s.name !== '' ? s.name : typeof s.id === 'string' ? s.id : '';
    if (name === '') throw new ValidationError(`${field}.name`, `${field} needs a name or an id (string)`);
    if (seen.has(name)) throw new ValidationError(`${field}.name`, `stage "${name}" is listed twice`);
    seen.add(name);
    const critical = s.is_critical;
    if (critical !== undefined && critical !== null && typeof critical !== 'boolean') {
      throw new ValidationError(`${field}.is_critical`, `${field}.is_critical must be true or false`);
    }
    return {
      name,
      retry_count: number(s, 'retry_count', `${field}.retry_count`, 0),
      failure_rate: number(s, 'historical_failure_rate', `${field}.historical_failure_rate`, 0, 1),
      is_critical: critical ?? true,
    };
  });
}

/**
 * The train body: the original array of samples with the label `failed` (boolean, or 0/1), or
 * nothing / `{}` (train from the store) → null. Anything else names the field at fault.
 */
export function parseTrainingSamples(value: unknown): TrainingSample[] | null {
  if (value === undefined || value === null || value === '') return null;
  if (!Array.isArray(value)) {
    if (typeof value === 'object' && Object.keys(value).length === 0) return null;
    throw new ValidationError('body', 'must be an array of samples, or empty / {} to train from the store');
  }
  return value.map((v, i) => {
    const features = parseSampleFeatures(v, `${i}.`);
    const label = (v as Record<string, unknown>).failed;
    if (label !== true && label !== false && label !== 0 && label !== 1) {
      throw new ValidationError(`${i}.failed`, `${i}.failed must be true or false`);
    }
    return { features, failed: label === true || label === 1 };
  });
}
