import { TRIGGER_TYPES, type TriggerType } from '../domain/index.js';
import { historyFeatureNames } from './history.js';

/** The original service's seven features, first and in its order (SEED_API.md "Prediction"). */
export const ORIGINAL_FEATURES = [
  'historical_failure_rate',
  'recent_error_count',
  'stage_count',
  'critical_stage_count',
  'avg_cpu_percent',
  'avg_memory_percent',
  'retry_frequency',
] as const;

/** What is known about the run itself and its pipeline when it starts. */
export const CONTEXT_FEATURES = [
  'recent_error_signatures',
  'avg_duration_seconds',
  'trigger_type',
  'hour_of_day',
  'version_changed_24h',
  'hours_since_version_change',
] as const;

/** Every feature the service assembles, in model column order: original, history, context. */
export const PREDICTION_FEATURES: readonly string[] = Object.freeze([
  ...ORIGINAL_FEATURES,
  ...historyFeatureNames(),
  ...CONTEXT_FEATURES,
]);

/** Feature values by name; NaN (or absent) = unknown. */
export type FeatureValues = Record<string, number>;

/** The number a trigger type is fed to the trees as (NaN when unknown). */
export function triggerCode(trigger: TriggerType | null): number {
  return trigger === null ? NaN : TRIGGER_TYPES.indexOf(trigger);
}

/** The trigger type a code stands for, or null. */
export function triggerOfCode(code: number): TriggerType | null {
  return Number.isInteger(code) ? (TRIGGER_TYPES[code] ?? null) : null;
}

/** Writes the values of `names` (NaN when missing) into `out`, which must hold `names.length` values. */
export function featureVector(
  names: readonly string[],
  values: FeatureValues,
  out: Float64Array = new Float64Array(names.length),
): Float64Array {
  for (let i = 0; i < names.length; i++) {
    const v = values[names[i]];
    out[i] = typeof v === 'number' ? v : NaN;
  }
  return out;
}

/** A value for formulas that cannot take NaN: unknown counts as `fallback`. */
export function known(v: number | undefined, fallback = 0): number {
  return v === undefined || Number.isNaN(v) ? fallback : v;
}
