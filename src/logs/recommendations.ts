import { field } from './fields.js';

/** The body of `POST /api/ai/recommendations`: a pipeline's KPIs (the monitoring snapshot's). */
export interface RecommendationRequest {
  avg_duration_seconds: number;
  retry_frequency: number;
  avg_cpu_percent: number;
  avg_memory_percent: number;
  stage_count: number;
  parallelizable: boolean;
}

/** The KPI that triggered a recommendation, its value and the threshold it crossed. */
export interface RecommendationDriver {
  metric: keyof RecommendationRequest;
  value: number;
  threshold: number;
}

/** One recommendation; `priority_score` = confidence × impact, what the list is sorted by. */
export interface Recommendation {
  recommendation: string;
  confidence: number;
  impact_score: number;
  priority_score: number;
  /** A stable word for the kind of change (for insight records and deduplication). */
  kind:
    | 'parallelize_stages'
    | 'reduce_retries'
    | 'scale_cpu'
    | 'scale_memory'
    | 'shorten_runs'
    | 'review_stage_graph'
    | 'right_size_down';
  driver: RecommendationDriver;
}

/** Thresholds the rules compare the KPIs with; each recommendation names the one it crossed. */
export const RECOMMENDATION_THRESHOLDS = Object.freeze({
  /** Stages from which running independent ones side by side pays off. */
  parallelStages: 3,
  /** Retries per run above which flakiness costs real time. */
  retryFrequency: 0.3,
  /** Average CPU / memory % above which there is too little headroom. */
  busyPercent: 75,
  /** Average run time (s) above which incremental loads and caching pay off. */
  longRunSeconds: 1800,
  /** Sequential stages from which the stage graph deserves a review. */
  manyStages: 8,
  /** Average CPU % / memory % below which workers are oversized. */
  idleCpuPercent: 25,
  idleMemoryPercent: 30,
});
const T = RECOMMENDATION_THRESHOLDS;

/** Reads a recommendations body; a ValidationError names the first bad field; missing numbers are 0. */
export function parseRecommendationRequest(body: unknown): RecommendationRequest {
  const o = field.object(body, 'body');
  return {
    avg_duration_seconds: field.number(o, 'avg_duration_seconds', 'avg_duration_seconds', { min: 0 }),
    retry_frequency: field.number(o, 'retry_frequency', 'retry_frequency', { min: 0 }),
    avg_cpu_percent: field.number(o, 'avg_cpu_percent', 'avg_cpu_percent', { min: 0, max: 100 }),
    avg_memory_percent: field.number(o, 'avg_memory_percent', 'avg_memory_percent', { min: 0, max: 100 }),
    stage_count: field.number(o, 'stage_count', 'stage_count', { min: 0, integer: true }),
    parallelizable: field.boolean(o, 'parallelizable', 'parallelizable'),
  };
}

/**
 * Recommendations grounded in the KPIs: each fires when a KPI crosses its threshold, says which
 * number drove it, and scales its confidence and impact with how far past the threshold it is.
 * Sorted by priority (confidence × impact), highest first; empty when every KPI is healthy.
 */
export function recommend(kpi: RecommendationRequest): { recommendations: Recommendation[] } {
  const out: Recommendation[] = [];
  const push = (
    kind: Recommendation['kind'],
    recommendation: string,
    confidence: number,
    impact: number,
    driver: RecommendationDriver,
  ): void => {
    const c = round(clamp(confidence));
    const i = round(clamp(impact));
    out.push({ recommendation, confidence: c, impact_score: i, priority_score: round(c * i), kind, driver });
  };
  const { avg_duration_seconds: duration, retry_frequency: retries, stage_count: stages } = kpi;
  const cpu = kpi.avg_cpu_percent;
  const memory = kpi.avg_memory_percent;

  if (kpi.parallelizable && stages >= T.parallelStages) {
    const longer = Math.min(1, 0.5 + duration / 1200);
    push(
      'parallelize_stages',
      `Run independent stages in parallel: ${stages} stages run one after another (${fmt(duration)} s per run on average); running the independent ones side by side shortens runs.`,
      stages >= 5 ? 0.75 : 0.65,
      (0.25 + 0.08 * (stages - 2)) * longer,
      { metric: 'stage_count', value: stages, threshold: T.parallelStages },
    );
  }
  if (retries >= T.retryFrequency) {
    push(
      'reduce_retries',
      `Cut retries: runs retry ${fmt(retries)} times on average (≥ ${T.retryFrequency}); find the flaky stage, make it idempotent and retry with exponential backoff and jitter.`,
      0.55 + 0.15 * retries,
      0.2 + 0.35 * retries,
      { metric: 'retry_frequency', value: retries, threshold: T.retryFrequency },
    );
  }
  if (cpu >= T.busyPercent) {
    const over = (cpu - T.busyPercent) / (100 - T.busyPercent);
    push(
      'scale_cpu',
      `Add CPU: average CPU is ${fmt(cpu)}% (≥ ${T.busyPercent}%), too little headroom for peaks; scale the workers up or out, or move CPU-heavy transforms to a larger pool.`,
      0.6 + 0.35 * over,
      0.3 + 0.6 * over,
      { metric: 'avg_cpu_percent', value: cpu, threshold: T.busyPercent },
    );
  }
  if (memory >= T.busyPercent) {
    const over = (memory - T.busyPercent) / (100 - T.busyPercent);
    push(
      'scale_memory',
      `Raise memory limits or process in smaller batches: average memory is ${fmt(memory)}% (≥ ${T.busyPercent}%); out-of-memory kills and swapping start near the limit.`,
      0.6 + 0.35 * over,
      0.3 + 0.6 * over,
      { metric: 'avg_memory_percent', value: memory, threshold: T.busyPercent },
    );
  }
  if (duration >= T.longRunSeconds) {
    push(
      'shorten_runs',
      `Shorten long runs: ${fmt(duration)} s per run on average (≥ ${T.longRunSeconds} s); load incrementally (only new or changed partitions) and cache intermediate results that runs reuse.`,
      0.6,
      0.3 + 0.5 * Math.min(1, duration / 7200),
      { metric: 'avg_duration_seconds', value: duration, threshold: T.longRunSeconds },
    );
  }
  if (!kpi.parallelizable && stages >= T.manyStages) {
    push(
      'review_stage_graph',
      `Review the stage graph: ${stages} stages (≥ ${T.manyStages}) are all declared sequential; stages that do not depend on each other could run in parallel or be merged.`,
      0.5,
      0.4,
      { metric: 'stage_count', value: stages, threshold: T.manyStages },
    );
  }
  if (cpu > 0 && memory > 0 && cpu < T.idleCpuPercent && memory < T.idleMemoryPercent) {
    push(
      'right_size_down',
      `Right-size down: average CPU ${fmt(cpu)}% (< ${T.idleCpuPercent}%) and memory ${fmt(memory)}% (< ${T.idleMemoryPercent}%); smaller workers would run the same load for less.`,
      0.55,
      0.25,
      { metric: 'avg_cpu_percent', value: cpu, threshold: T.idleCpuPercent },
    );
  }
  out.sort((a, b) => b.priority_score - a.priority_score);
  return { recommendations: out };
}

function clamp(x: number): number {
  return Math.min(0.95, Math.max(0.05, x));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/0+$/, '');
}
