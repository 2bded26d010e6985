import { ValidationError } from '../shared/index.js';

/** One past or current run of a group (pipeline, project), in time order. */
export interface HistoryEvent {
  /** Whether the run failed. */
  readonly failed: boolean | 0 | 1;
  /** Start time in epoch milliseconds; NaN or absent when unknown (time features are then NaN). */
  readonly time?: number;
  /**
   * When the outcome became known (epoch ms), e.g. the run's completion. A later row sees this
   * run's outcome only once `knownAt ≤` its own start; absent = known before the next row starts.
   */
  readonly knownAt?: number;
  /** Duration in seconds, when known (read only once the outcome is known). */
  readonly duration?: number;
}

/** Which windows the history features cover. */
export interface HistoryOptions {
  /** Failure rates over the last N known runs. @default [3, 5, 10, 25] */
  readonly lastN?: readonly number[];
  /** Failure rates and run counts over these horizons, in milliseconds. @default 1 h, 24 h, 7 d */
  readonly horizonsMs?: readonly number[];
}

export const DEFAULT_LAST_N: readonly number[] = [3, 5, 10, 25];
const HOUR_MS = 3_600_000;
export const DEFAULT_HORIZONS_MS: readonly number[] = [HOUR_MS, 24 * HOUR_MS, 7 * 24 * HOUR_MS];
// Durations are compared over a short and a longer recent stretch to see a trend.
const DURATION_SHORT = 3;
const DURATION_LONG = 10;

/** A horizon's name part: `1h`, `24h`, `7d`, `90m`, `30s` or `1500ms`. */
function horizonLabel(ms: number): string {
  if (ms % (24 * HOUR_MS) === 0 && ms / HOUR_MS > 24) return `${ms / (24 * HOUR_MS)}d`;
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function resolve(options: HistoryOptions): { lastN: readonly number[]; horizons: readonly number[] } {
  const lastN = options.lastN ?? DEFAULT_LAST_N;
  const horizons = options.horizonsMs ?? DEFAULT_HORIZONS_MS;
  lastN.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 1) {
      throw new ValidationError(`lastN.${i}`, `history: lastN must be whole numbers ≥ 1, got ${n}`);
    }
  });
  horizons.forEach((h, i) => {
    if (!Number.isInteger(h) || h < 1) {
      throw new ValidationError(`horizonsMs.${i}`, `history: horizons must be whole ms ≥ 1, got ${h}`);
    }
  });
  return { lastN, horizons };
}

/**
 * Names of the history features, in the order `historyFeatures` writes them. Rates, streaks and
 * counts use only outcomes known before the row starts; times are in seconds; NaN = unknown.
 */
export function historyFeatureNames(options: HistoryOptions = {}): string[] {
  const { lastN, horizons } = resolve(options);
  return [
    'prev_failed',
    ...lastN.map((n) => `fail_rate_last_${n}`),
    ...horizons.flatMap((h) => [`fail_rate_${horizonLabel(h)}`, `runs_${horizonLabel(h)}`]),
    'fail_rate_all',
    'consecutive_failures',
    'consecutive_successes',
    'seconds_since_prev_run',
    'seconds_since_last_success',
    'seconds_since_last_failure',
    'runs_so_far',
    'prev_duration_seconds',
    'duration_trend',
  ];
}

/**
 * Outcomes known so far, in the order they became known, with prefix sums so rates over the last N
 * and over a time horizon cost O(log n).
 */
class KnownOutcomes {
  readonly failedPrefix: number[] = [0];
  readonly knownAt: number[] = [];
  readonly durations: number[] = [];
  consecutiveFailures = 0;
  consecutiveSuccesses = 0;
  lastSuccessAt = NaN;
  lastFailureAt = NaN;

  get count(): number {
    return this.knownAt.length;
  }

  add(failed: boolean, at: number, duration: number): void {
    this.failedPrefix.push(this.failedPrefix[this.count] + (failed ? 1 : 0));
    this.knownAt.push(at);
    if (Number.isFinite(duration)) this.durations.push(duration);
    if (failed) {
      this.consecutiveFailures++;
      this.consecutiveSuccesses = 0;
      this.lastFailureAt = at;
    } else {
      this.consecutiveSuccesses++;
      this.consecutiveFailures = 0;
      this.lastSuccessAt = at;
    }
  }

  /** Failure rate of the known outcomes from index `from` on (NaN when there are none). */
  rateFrom(from: number): number {
    const n = this.count - from;
    return n > 0 ? (this.failedPrefix[this.count] - this.failedPrefix[from]) / n : NaN;
  }

  /** First index whose outcome became known at or after `since`; knownAt never decreases. */
  firstKnownSince(since: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.knownAt[mid] < since) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  meanDuration(last: number): number {
    const d = this.durations;
    const k = Math.min(last, d.length);
    if (k === 0) return NaN;
    let sum = 0;
    for (let i = d.length - k; i < d.length; i++) sum += d[i];
    return sum / k;
  }
}

interface Pending {
  failed: boolean;
  knownAt: number;
  duration: number;
  /** No knownAt was given: known before the next row starts, whatever its time. */
  immediate: boolean;
}

/**
 * Point-in-time history features, one row per event: row i is computed only from events before i
 * whose outcome was known when event i started, so nothing about event i or later ever leaks into
 * it. Events must be in time order (times that are given never decrease).
 */
export function historyFeatures(
  events: readonly HistoryEvent[],
  options: HistoryOptions = {},
): Float64Array[] {
  const { lastN, horizons } = resolve(options);
  const width = historyFeatureNames(options).length;
  const known = new KnownOutcomes();
  // Runs whose outcome is not known yet, sorted by knownAt (ties in input order).
  let pending: Pending[] = [];
  const rows: Float64Array[] = [];
  let lastTime = NaN;
  let prevTime = NaN;
  events.forEach((event, i) => {
    const time = event.time ?? NaN;
    if (time < lastTime) {
      throw new ValidationError(
        `events.${i}.time`,
        `history: events must be in time order, event ${i} starts before event ${i - 1}`,
      );
    }
    if (!Number.isNaN(time)) lastTime = time;
    // Outcomes that became known by now join the history, in the order they became known.
    const ready = pending.filter((p) => p.immediate || p.knownAt <= time);
    if (ready.length > 0) {
      for (const p of ready) known.add(p.failed, p.knownAt, p.duration);
      pending = pending.filter((p) => !ready.includes(p));
    }

    const row = new Float64Array(width);
    writeRow(row, known, time, prevTime, lastN, horizons);
    rows.push(row);

    prevTime = time;
    const failed = event.failed === true || event.failed === 1;
    const duration = event.duration ?? NaN;
    const immediate = event.knownAt === undefined;
    const knownAt = event.knownAt ?? time;
    if (knownAt < time) {
      throw new ValidationError(`events.${i}.knownAt`, `history: event ${i} is known before it starts`);
    }
    const entry = { failed, knownAt, duration, immediate };
    let at = pending.length;
    while (at > 0 && pending[at - 1].knownAt > knownAt) at--;
    pending.splice(at, 0, entry);
  });
  return rows;
}

/**
 * The history features of a run about to start at `time` after `events` (a preflight): the same
 * row `historyFeatures` would give it as the next event.
 */
export function nextHistoryFeatures(
  events: readonly HistoryEvent[],
  time: number,
  options: HistoryOptions = {},
): Float64Array {
  const rows = historyFeatures([...events, { failed: false, time }], options);
  return rows[rows.length - 1];
}

function writeRow(
  row: Float64Array,
  known: KnownOutcomes,
  time: number,
  prevTime: number,
  lastN: readonly number[],
  horizons: readonly number[],
): void {
  const n = known.count;
  let c = 0;
  row[c++] = n > 0 ? known.failedPrefix[n] - known.failedPrefix[n - 1] : NaN;
  for (const last of lastN) row[c++] = known.rateFrom(Math.max(0, n - last));
  for (const h of horizons) {
    if (Number.isNaN(time)) {
      row[c++] = NaN;
      row[c++] = NaN;
    } else {
      const from = known.firstKnownSince(time - h);
      row[c++] = known.rateFrom(from);
      row[c++] = n - from;
    }
  }
  row[c++] = known.rateFrom(0);
  row[c++] = known.consecutiveFailures;
  row[c++] = known.consecutiveSuccesses;
  row[c++] = (time - prevTime) / 1000;
  row[c++] = (time - known.lastSuccessAt) / 1000;
  row[c++] = (time - known.lastFailureAt) / 1000;
  row[c++] = n;
  const d = known.durations;
  row[c++] = d.length > 0 ? d[d.length - 1] : NaN;
  const long = known.meanDuration(DURATION_LONG);
  row[c++] = long > 0 ? known.meanDuration(DURATION_SHORT) / long - 1 : NaN;
}
