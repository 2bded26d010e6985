import { classifyError } from '../logs/index.js';

/**
 * The detector's features, declared once. The first seven are the original backend's; the rest are
 * used when the data carries them. `floor` is the smallest spread a baseline may have, so a feature
 * that never varied in training (no retries, no failures) still has a meaningful z-score; `relFloor`
 * raises it to a share of the baseline's centre for features measured on a scale.
 */
export const FEATURES = [
  { name: 'execution_time_s', unit: 's', floor: 1, relFloor: 0.05, ruleMin: null, upOnly: true },
  { name: 'data_volume_mb', unit: 'MB', floor: 1, relFloor: 0.05, ruleMin: null, upOnly: false },
  { name: 'failure_count_1h', unit: 'failures', floor: 1, relFloor: 0, ruleMin: 3, upOnly: true },
  { name: 'cpu_percent', unit: '%', floor: 2, relFloor: 0, ruleMin: null, upOnly: true },
  { name: 'memory_percent', unit: '%', floor: 2, relFloor: 0, ruleMin: null, upOnly: true },
  { name: 'retry_count', unit: 'retries', floor: 1, relFloor: 0, ruleMin: 3, upOnly: true },
  { name: 'error_pattern_score', unit: '', floor: 0.1, relFloor: 0, ruleMin: 0.4, upOnly: true },
  { name: 'throughput_per_minute', unit: '/min', floor: 1, relFloor: 0.05, ruleMin: null, upOnly: false },
  { name: 'latency_ms', unit: 'ms', floor: 1, relFloor: 0.05, ruleMin: null, upOnly: true },
  { name: 'stage_duration_ratio', unit: '×', floor: 0.1, relFloor: 0, ruleMin: null, upOnly: true },
  { name: 'new_template_rate', unit: '', floor: 0.1, relFloor: 0, ruleMin: null, upOnly: true },
] as const;

/** A feature's name. */
export type FeatureName = (typeof FEATURES)[number]['name'];

/** Every feature name, in vector order. */
export const FEATURE_NAMES: readonly FeatureName[] = FEATURES.map((f) => f.name);
/** The original backend's seven features: always part of a model. */
export const CORE_FEATURES = 7;
/** Index of each feature in a vector. */
export const FEATURE_INDEX: Readonly<Record<FeatureName, number>> = Object.fromEntries(
  FEATURE_NAMES.map((n, i) => [n, i]),
) as Record<FeatureName, number>;

/** Distinct error signatures at which the pattern score saturates (the original's divisor). */
export const PATTERN_SATURATION = 5;

/**
 * One execution as the detector sees it: the original request body, plus what ingest knows.
 * Numbers that are unknown are NaN (ingest) — the HTTP body turns missing values into 0 as before.
 */
export interface AnomalyRecord {
  pipeline_id: string | null;
  execution_id: string | null;
  /** Event time, epoch ms; null when the caller gave none. */
  time: number | null;
  duration_seconds: number;
  data_volume_mb: number;
  failure_count_1h: number;
  cpu_percent: number;
  memory_percent: number;
  retry_count: number;
  stage_errors: readonly string[];
  throughput_per_minute: number;
  latency_ms: number;
  stage_duration_ratio: number;
  /** Share of the run's WARN/ERROR log lines whose template the miner had never seen. */
  new_template_rate: number;
}

/** The distinct error signatures among the messages; a message no rule knows counts by its own text. */
export function errorSignatures(messages: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const m of messages) {
    const text = m.trim();
    if (text === '') continue;
    const match = classifyError(text);
    seen.add(match.signature === 'unknown' ? `other:${text.toLowerCase().slice(0, 80)}` : match.signature);
  }
  return [...seen];
}

/** min(distinct error signatures / 5, 1), as the original defined error_pattern_score. */
export function errorPatternScore(messages: readonly string[]): number {
  return Math.min(errorSignatures(messages).length / PATTERN_SATURATION, 1);
}

/** The record's feature vector (NaN where unknown), written into `out`; `signatures` if already known. */
export function recordFeatures(
  r: AnomalyRecord,
  out: Float64Array = new Float64Array(FEATURES.length),
  signatures: readonly string[] = errorSignatures(r.stage_errors),
): Float64Array {
  out[0] = r.duration_seconds;
  out[1] = r.data_volume_mb;
  out[2] = r.failure_count_1h;
  out[3] = r.cpu_percent;
  out[4] = r.memory_percent;
  out[5] = r.retry_count;
  out[6] = Math.min(signatures.length / PATTERN_SATURATION, 1);
  out[7] = r.throughput_per_minute;
  out[8] = r.latency_ms;
  out[9] = r.stage_duration_ratio;
  out[10] = r.new_template_rate;
  return out;
}

/** A record with every number unknown except those given (tests, fixtures). */
export function emptyRecord(over: Partial<AnomalyRecord> = {}): AnomalyRecord {
  return {
    pipeline_id: null,
    execution_id: null,
    time: null,
    duration_seconds: NaN,
    data_volume_mb: NaN,
    failure_count_1h: NaN,
    cpu_percent: NaN,
    memory_percent: NaN,
    retry_count: NaN,
    stage_errors: [],
    throughput_per_minute: NaN,
    latency_ms: NaN,
    stage_duration_ratio: NaN,
    new_template_rate: NaN,
    ...over,
  };
}
