import type { TriggerType } from '../domain/index.js';
import { triggerCode, type FeatureValues } from './features.js';
import { historyFeatureNames, historyFeatures, type HistoryEvent } from './history.js';

/** One finished run of a pipeline as the features see it. Times: epoch ms; unknown numbers NaN. */
export interface PastRun {
  execution_id: string;
  started_at: number;
  completed_at: number;
  failed: boolean;
  duration_seconds: number;
  retry_count: number;
  cpu_percent: number;
  memory_percent: number;
  /** Error lines of the run: its error message, stage errors, ERROR logs. */
  error_count: number;
  /** Distinct error signatures of those lines. */
  signatures: readonly string[];
  stages: readonly PastStage[];
  trigger_type: TriggerType | null;
}

export interface PastStage {
  name: string;
  failed: boolean;
  retry_count: number;
}

/** A stage of the pipeline's definition. */
export interface StageInfo {
  name: string;
  is_critical: boolean;
}

/** What is known about the run being scored, besides its pipeline's past runs. */
export interface RunContext {
  /** When the run starts (or the preflight's planned start). */
  time: number;
  trigger_type: TriggerType | null;
  stages: readonly StageInfo[];
  /** When each of the pipeline's definitions was first seen (any order). */
  versionTimes: readonly number[];
}

/** A stage's record over the recent runs known at the time: what stage risk builds on. */
export interface StageHistory {
  name: string;
  is_critical: boolean;
  /** Failures / runs of this stage over the recent known runs; NaN when it never ran. */
  failure_rate: number;
  /** Mean retries per run of this stage; NaN when it never ran. */
  retry_count: number;
  runs: number;
}

/** Features and stage histories of one run, as of its start. */
export interface PointInTime {
  features: FeatureValues;
  stages: StageHistory[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Recent known runs that resource averages, retry frequency and stage rates are taken over. */
const RECENT_RUNS = 10;
const STAGE_RUNS = 20;
const HISTORY_NAMES = historyFeatureNames();

/**
 * Features of every run as of its own start (training rows), in the order of `runs` sorted by start:
 * each row sees only the runs whose outcome was known (completed) before it started.
 */
export function trainingFeatures(
  runs: readonly PastRun[],
  contextOf: (run: PastRun) => RunContext,
): { run: PastRun; point: PointInTime }[] {
  const byStart = [...runs].sort((a, b) => a.started_at - b.started_at);
  const history = historyFeatures(byStart.map(historyEvent));
  const byEnd = [...runs].sort((a, b) => a.completed_at - b.completed_at);
  let known = 0;
  return byStart.map((run, i) => {
    const ctx = contextOf(run);
    while (known < byEnd.length && byEnd[known].completed_at < ctx.time) known++;
    return { run, point: assemble(history[i], byEnd, known, ctx) };
  });
}

/** Features of a run starting at `ctx.time` after `runs` (any order; later or unfinished ones are ignored). */
export function featuresAt(runs: readonly PastRun[], ctx: RunContext): PointInTime {
  const before = runs.filter((r) => r.started_at < ctx.time).sort((a, b) => a.started_at - b.started_at);
  const rows = historyFeatures([...before.map(historyEvent), { failed: false, time: ctx.time }]);
  const byEnd = before
    .filter((r) => r.completed_at < ctx.time)
    .sort((a, b) => a.completed_at - b.completed_at);
  return assemble(rows[rows.length - 1], byEnd, byEnd.length, ctx);
}

function historyEvent(r: PastRun): HistoryEvent {
  return { failed: r.failed, time: r.started_at, knownAt: r.completed_at, duration: r.duration_seconds };
}

/** The features from the history row, the first `known` runs of `byEnd` and the run's context. */
function assemble(
  historyRow: Float64Array,
  byEnd: readonly PastRun[],
  known: number,
  ctx: RunContext,
): PointInTime {
  const f: FeatureValues = {};
  HISTORY_NAMES.forEach((name, i) => (f[name] = historyRow[i]));
  const t = ctx.time;
  const recent = byEnd.slice(Math.max(0, known - RECENT_RUNS), known);
  let errorsHour = 0;
  const signatures = new Set<string>();
  for (let i = known - 1; i >= 0 && byEnd[i].completed_at >= t - DAY_MS; i--) {
    const r = byEnd[i];
    if (r.completed_at >= t - HOUR_MS) errorsHour += r.error_count;
    for (const s of r.signatures) signatures.add(s);
  }
  f.historical_failure_rate = f.fail_rate_7d;
  f.recent_error_count = errorsHour;
  f.stage_count = ctx.stages.length;
  f.critical_stage_count = ctx.stages.filter((s) => s.is_critical).length;
  f.avg_cpu_percent = mean(recent.map((r) => r.cpu_percent));
  f.avg_memory_percent = mean(recent.map((r) => r.memory_percent));
  f.retry_frequency = mean(recent.map((r) => r.retry_count));
  f.avg_duration_seconds = mean(recent.map((r) => r.duration_seconds));
  f.recent_error_signatures = signatures.size;
  f.trigger_type = triggerCode(ctx.trigger_type);
  f.hour_of_day = (((t % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
  const change = versionChange(ctx.versionTimes, t);
  f.hours_since_version_change = change;
  f.version_changed_24h = Number.isNaN(change) ? 0 : change < 24 ? 1 : 0;
  return { features: f, stages: stageHistories(byEnd, known, ctx.stages) };
}

/** Hours since the newest definition seen by `t` replaced an older one; NaN when there was only one. */
function versionChange(versionTimes: readonly number[], t: number): number {
  const seen = versionTimes.filter((v) => v <= t).sort((a, b) => b - a);
  return seen.length < 2 ? NaN : (t - seen[0]) / HOUR_MS;
}

function stageHistories(
  byEnd: readonly PastRun[],
  known: number,
  stages: readonly StageInfo[],
): StageHistory[] {
  const names = new Map<string, StageHistory>();
  for (const s of stages) {
    names.set(s.name, { name: s.name, is_critical: s.is_critical, failure_rate: 0, retry_count: 0, runs: 0 });
  }
  // Newest first; each stage counts its own last STAGE_RUNS runs (a stage that stopped running ends the scan early).
  for (let i = known - 1; i >= Math.max(0, known - 4 * STAGE_RUNS); i--) {
    for (const st of byEnd[i].stages) {
      const h = names.get(st.name);
      if (h === undefined || h.runs >= STAGE_RUNS) continue;
      h.runs++;
      h.failure_rate += st.failed ? 1 : 0;
      h.retry_count += st.retry_count;
    }
  }
  return [...names.values()].map((h) =>
    h.runs === 0
      ? { ...h, failure_rate: NaN, retry_count: NaN }
      : { ...h, failure_rate: h.failure_rate / h.runs, retry_count: h.retry_count / h.runs },
  );
}

function mean(values: readonly number[]): number {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (Number.isFinite(v)) {
      sum += v;
      n++;
    }
  }
  return n === 0 ? NaN : sum / n;
}
