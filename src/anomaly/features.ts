import { classifyError } from '../logs/index.js';

/**
 * The detector's features, declared once. The first seven are the original backend's; the rest are
 * used when the data carries them. `floor` is the smallest spread a baseline may have, so a feature
 * that never varied in training (no retries, no failures) still has a meaningful z-score; `relFloor`
 * raises it to a share of the baseline's centre for features measured on a scale. A feature that is
 * not `judged` has no z-score of its own: it is context for the Isolation Forest (time of day, and
 * the new-template rate, which is 1 whenever a run's single warning is new — see docs/BENCHMARKS.md).
 */
export const FEATURES = [
  {
    name: 'execution_time_s',
    unit: 's',
    floor: 1,
    relFloor: 0.05,
    ruleMin: null,
    upOnly: true,
    judged: true,
  },
  {
    name: 'data_volume_mb',
    unit: 'MB',
    floor: 1,
    relFloor: 0.05,
    ruleMin: null,
    upOnly: false,
    judged: true,
  },
  {
    name: 'failure_count_1h',
    unit: 'failures',
    floor: 1,
    relFloor: 0,
    ruleMin: 3,
    upOnly: true,
    judged: true,
  },
  { name: 'cpu_percent', unit: '%', floor: 2, relFloor: 0, ruleMin: null, upOnly: true, judged: true },
  { name: 'memory_percent', unit: '%', floor: 2, relFloor: 0, ruleMin: null, upOnly: true, judged: true },
  { name: 'retry_count', unit: 'retries', floor: 1, relFloor: 0, ruleMin: 3, upOnly: true, judged: true },
  {
    name: 'error_pattern_score',
    unit: '',
    floor: 0.1,
    relFloor: 0,
    ruleMin: 0.4,
    upOnly: true,
    judged: true,
  },
  {
    name: 'throughput_per_minute',
    unit: '/min',
    floor: 1,
    relFloor: 0.05,
    ruleMin: null,
    upOnly: false,
    judged: true,
  },
  { name: 'latency_ms', unit: 'ms', floor: 1, relFloor: 0.05, ruleMin: null, upOnly: true, judged: true },
  {
    name: 'stage_duration_ratio',
    unit: '×',
    floor: 0.1,
    relFloor: 0,
    ruleMin: null,
    upOnly: true,
    judged: true,
  },
  {
    name: 'new_template_rate',
    unit: '',
    floor: 0.1,
    relFloor: 0,
    ruleMin: null,
    upOnly: true,
    judged: false,
  },
  { name: 'hour_sin', unit: '', floor: 0.1, relFloor: 0, ruleMin: null, upOnly: false, judged: false },
  { name: 'hour_cos', unit: '', floor: 0.1, relFloor: 0, ruleMin: null, upOnly: false, judged: false },
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
  if (messages.length === 0) return [];
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
  const angle = r.time === null ? NaN : (2 * Math.PI * (((r.time % DAY_MS) + DAY_MS) % DAY_MS)) / DAY_MS;
  out[11] = Math.sin(angle);
  out[12] = Math.cos(angle);
  return out;
}

const DAY_MS = 86_400_000;

/** The UTC hour of day (0 ≤ h < 24, fractional) a feature vector was taken at; null when unknown. */
export function hourOfRow(row: Float64Array): number | null {
  const s = row[FEATURE_INDEX.hour_sin];
  const c = row[FEATURE_INDEX.hour_cos];
  if (!Number.isFinite(s) || !Number.isFinite(c)) return null;
  const h = (Math.atan2(s, c) * 12) / Math.PI;
  // atan2 is in (−π, π]; rounding may land a hair below 0 or on 24.
  return Math.min(((h % 24) + 24) % 24, 24 - 1e-9);
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
