import { isFailedExecution, isTerminal, type ExecutionEvent, type TelemetryEvent } from '../domain/index.js';

const HOUR_MS = 3_600_000;
// Events spread over less than about a second (variance in hours²) carry no trend.
const MIN_TIME_VARIANCE_H2 = 1e-7;

/** Count and sum of the reported values of one quantity; null and non-finite values are not reported. */
export class SumCount {
  n = 0;
  sum = 0;

  /** Adds (sign 1) or removes (sign −1) a value. */
  add(value: number | null, sign: number): void {
    if (value === null || !Number.isFinite(value)) return;
    this.n += sign;
    this.sum = this.n === 0 ? 0 : this.sum + sign * value;
  }

  /** The mean, 0 when nothing was reported (as the original answered). */
  mean(): number {
    return this.n === 0 ? 0 : this.sum / this.n;
  }
}

/** A stage's counts inside the live window. */
export interface StageCounts {
  runs: number;
  failures: number;
}

/** Whether an execution record says something about duration: finished, or already carrying one. */
export function hasDuration(e: ExecutionEvent): boolean {
  return Number.isFinite(e.duration_seconds) && (isTerminal(e.status) || e.duration_seconds > 0);
}

const finiteOr0 = (v: number): number => (Number.isFinite(v) ? v : 0);

/**
 * Running sums over a pipeline's live window. Every event adds with sign +1 and leaves with −1, so KPIs
 * never need a rescan; `rebuild` recomputes from the entries now and then to shed floating-point drift.
 */
export class LiveAggregates {
  events = 0;
  records = 0;
  failed = 0;
  retries = 0;
  readonly duration = new SumCount();
  // Least-squares sums over x = hours since `origin`, y = duration seconds.
  private origin = 0;
  private sx = 0;
  private sxx = 0;
  private sxy = 0;
  readonly cpu = new SumCount();
  readonly memory = new SumCount();
  readonly throughput = new SumCount();
  readonly latency = new SumCount();
  readonly dataVolume = new SumCount();
  readonly stages = new Map<string, StageCounts>();
  readonly patterns = new Map<string, number>();
  patternTotal = 0;

  /** Adds (sign 1) or removes (sign −1) an event's contribution, with the error patterns it carries. */
  add(e: TelemetryEvent, patterns: readonly string[] | null, sign: 1 | -1): void {
    this.events += sign;
    switch (e.kind) {
      case 'execution':
        this.addExecution(e, sign);
        break;
      case 'stage':
        this.retries += sign * finiteOr0(e.retry_count);
        this.addStage(e.stage_name, e.status === 'failed', sign);
        break;
      case 'metric':
        this.metric(e.name)?.add(e.value, sign);
        break;
      case 'log':
        break;
    }
    if (patterns !== null) for (const p of patterns) this.addPattern(p, sign);
  }

  /** Least-squares slope of duration over event time in seconds per hour; null below 3 runs or without time spread. */
  durationSlopePerHour(): number | null {
    const n = this.duration.n;
    if (n < 3) return null;
    const varX = this.sxx / n - (this.sx / n) ** 2;
    if (!(varX >= MIN_TIME_VARIANCE_H2)) return null;
    const covXY = this.sxy / n - (this.sx / n) * (this.duration.sum / n);
    return covXY / varX;
  }

  /** Recomputes every sum from the events held (drops accumulated rounding, re-bases the time origin). */
  rebuild(
    forEach: (fn: (e: TelemetryEvent) => void) => void,
    patternsOf: (e: TelemetryEvent) => readonly string[] | null,
  ): void {
    this.events = this.records = this.failed = this.retries = this.patternTotal = 0;
    for (const s of [this.duration, this.cpu, this.memory, this.throughput, this.latency, this.dataVolume]) {
      s.n = 0;
      s.sum = 0;
    }
    this.sx = this.sxx = this.sxy = 0;
    this.stages.clear();
    this.patterns.clear();
    forEach((e) => this.add(e, patternsOf(e), 1));
  }

  private addExecution(e: ExecutionEvent, sign: 1 | -1): void {
    this.records += sign;
    if (isFailedExecution(e)) this.failed += sign;
    this.retries += sign * finiteOr0(e.retry_count);
    if (hasDuration(e)) this.addDuration(e.event_time, e.duration_seconds, sign);
    this.cpu.add(e.cpu_percent, sign);
    this.memory.add(e.memory_percent, sign);
    this.throughput.add(e.throughput_per_minute, sign);
    this.latency.add(e.latency_ms, sign);
    this.dataVolume.add(e.data_volume_mb, sign);
  }

  private addDuration(t: number, y: number, sign: 1 | -1): void {
    if (this.duration.n === 0) this.origin = t;
    this.duration.add(y, sign);
    if (this.duration.n === 0) {
      this.sx = this.sxx = this.sxy = 0;
      return;
    }
    const x = (t - this.origin) / HOUR_MS;
    this.sx += sign * x;
    this.sxx += sign * x * x;
    this.sxy += sign * x * y;
  }

  private metric(name: string): SumCount | undefined {
    switch (name) {
      case 'cpu_percent':
        return this.cpu;
      case 'memory_percent':
        return this.memory;
      case 'throughput_per_minute':
        return this.throughput;
      case 'latency_ms':
        return this.latency;
      case 'data_volume_mb':
        return this.dataVolume;
      default:
        return undefined;
    }
  }

  private addStage(name: string, failed: boolean, sign: 1 | -1): void {
    let counts = this.stages.get(name);
    if (counts === undefined) {
      counts = { runs: 0, failures: 0 };
      this.stages.set(name, counts);
    }
    counts.runs += sign;
    if (failed) counts.failures += sign;
    if (counts.runs === 0) this.stages.delete(name);
  }

  private addPattern(pattern: string, sign: 1 | -1): void {
    const count = (this.patterns.get(pattern) ?? 0) + sign;
    if (count === 0) this.patterns.delete(pattern);
    else this.patterns.set(pattern, count);
    this.patternTotal += sign;
  }
}

/** Sums over the previous window's execution records, for "vs the previous window" comparisons. */
export class HistoryAggregates {
  records = 0;
  failed = 0;
  retries = 0;
  readonly duration = new SumCount();

  /** Adds (sign 1) or removes (sign −1) an execution record; other kinds are not kept in history. */
  add(e: TelemetryEvent, sign: 1 | -1): void {
    if (e.kind !== 'execution') return;
    this.records += sign;
    if (isFailedExecution(e)) this.failed += sign;
    this.retries += sign * finiteOr0(e.retry_count);
    if (hasDuration(e)) this.duration.add(e.duration_seconds, sign);
  }
}
