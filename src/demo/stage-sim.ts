import type { LogLevel } from '../domain/index.js';
import type { Rng } from '../shared/index.js';
import {
  genericError,
  oomError,
  retriesExhausted,
  schemaError,
  type SchemaProblem,
  type StageError,
} from './error-lines.js';
import { authError, connectionError, transientCause } from './io-error-lines.js';
import type { FaultParams } from './faults.js';
import type { Endpoint } from './fleet-spec.js';
import {
  memoryLine,
  progressLine,
  retryLine,
  slowLine,
  stageDoneLine,
  stageStartLine,
} from './info-lines.js';
import type { LineContext } from './text.js';
import type { FaultKind } from './types.js';

/** A log line a stage writes, `atMs` after the stage started. */
export interface StageLine {
  atMs: number;
  level: LogLevel;
  message: string;
}

/** A resource sample, `atMs` after the stage started. */
export interface StageSample {
  atMs: number;
  cpu: number;
  memory: number;
}

/** How one stage of one run went, before the pipeline's timeout is applied. */
export interface StageSim {
  durationMs: number;
  error: StageError | null;
  retries: number;
  records: number;
  dataMb: number;
  latencyMs: number;
  samples: StageSample[];
  lines: StageLine[];
}

/** The fault in force for the run, and how far into its episode the run started (0..1). */
export interface ActiveFault {
  kind: FaultKind;
  params: FaultParams;
  progress: number;
}

/** What a stage's simulation depends on. */
export interface StageInput {
  ctx: LineContext;
  /** The run's load relative to the daily mean (seasonality and noise). */
  load: number;
  /** Records reaching this stage. */
  records: number;
  fault: ActiveFault | null;
  /**
   * Workers now / workers the pipeline started with. More workers spread a stage's data (less
   * memory per worker) and take work off contended ones; they do not touch what other systems do.
   */
  scale: number;
  /** Non-empty only for the schema-checking stage when the definition expects another schema. */
  schemaProblems: readonly SchemaProblem[];
  /** The system this stage talks to. */
  endpoint: Endpoint;
}

const SAMPLE_EVERY_MS = 15_000;

const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.next();
const lognormal = (rng: Rng, sigma: number): number => Math.exp(sigma * rng.normal() - (sigma * sigma) / 2);
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** Simulates one stage: duration, retries, failure, resource samples and the log lines it writes. */
export function simulateStage(input: StageInput): StageSim {
  const { ctx, load } = input;
  const { rng, stage, spec } = ctx;
  const hit =
    input.fault !== null && input.fault.params.stages.includes(stage.order_index) ? input.fault : null;
  const sim: StageSim = {
    durationMs: stage.baselineMs * load ** 0.8 * lognormal(rng, 0.15),
    error: null,
    retries: 0,
    records: input.records,
    dataMb: (input.records * spec.bytesPerRecord) / 1e6,
    latencyMs: stage.latencyMs * load ** 0.3 * lognormal(rng, 0.25),
    samples: [],
    lines: [],
  };
  sim.lines.push({ atMs: 0, level: 'INFO', message: stageStartLine(ctx, sim.records, sim.dataMb) });
  let contention = 1;
  if (hit?.kind === 'slowdown') {
    contention = contended(1 + (hit.params.peak - 1) * hit.progress, input.scale);
    slowDown(sim, ctx, contention);
  }
  let memoryPeak: number | null = null;
  if (input.schemaProblems.length > 0) {
    failAt(
      sim,
      uniform(rng, 0.2, 0.6),
      schemaError(
        ctx,
        input.schemaProblems,
        sim.records,
        spec.schema.map((c) => c.name),
      ),
    );
  } else if (hit?.kind === 'auth_failure') {
    sim.durationMs = uniform(rng, 500, 3000);
    const error = authError(ctx, hit.params.flavour);
    retry(sim, ctx, 1, stage.max_retries, error.short, uniform(rng, 300, 1500));
    failAt(sim, 1, error);
  } else if (hit?.kind === 'oom') {
    // The peak per worker with the original workers; more workers split the stage's data.
    const need = rng.next() < 0.85 ? uniform(rng, 96, 100) : uniform(rng, 86, 94.5);
    memoryPeak = Math.max(stage.memory, need / input.scale);
    if (memoryPeak >= 95) {
      sim.lines.push({
        atMs: sim.durationMs * 0.45,
        level: 'WARN',
        message: memoryLine(ctx, Math.min(93, memoryPeak - 3)),
      });
      failAt(sim, uniform(rng, 0.5, 0.9), oomError(ctx));
    }
  } else if (hit?.kind === 'upstream_outage' && rng.next() < (stage.type === 'input' ? 0.75 : 0.8)) {
    const error = connectionError(ctx, input.endpoint, hit.params.flavour);
    sim.durationMs = uniform(rng, 200, 2000);
    for (let k = 1; k <= stage.max_retries; k++)
      retry(sim, ctx, k, stage.max_retries, error.short, uniform(rng, 10_000, 30_000));
    sim.latencyMs = uniform(rng, 10_000, 30_000);
    failAt(sim, 1, error);
  } else if (hit?.kind === 'failure_burst' && rng.next() < 0.95) {
    failAt(sim, uniform(rng, 0.05, 0.5), genericError(ctx, hit.params.flavour));
  } else if (hit?.kind === 'retry_storm' && rng.next() < 0.8) {
    const cause = transientCause(ctx, input.endpoint, hit.params.flavour % 2);
    const exhausted = rng.next() < 0.2;
    const retries = exhausted ? stage.max_retries : 2 + rng.int(Math.max(1, stage.max_retries - 1));
    for (let k = 1; k <= retries; k++)
      retry(sim, ctx, k, stage.max_retries, cause, stage.baselineMs * uniform(rng, 0.1, 0.3));
    sim.latencyMs *= 1 + retries;
    if (exhausted) failAt(sim, 1, retriesExhausted(ctx, retries + 1, cause));
  } else if (stage.external && rng.next() < 0.04) {
    retry(
      sim,
      ctx,
      1,
      stage.max_retries,
      transientCause(ctx, input.endpoint, rng.int(5)),
      stage.baselineMs * uniform(rng, 0.1, 0.3),
    );
  } else if (rng.next() < 0.004) {
    failAt(sim, uniform(rng, 0.1, 0.9), genericError(ctx, rng.int(6)));
  }
  sample(sim, rng, input, memoryPeak, contention);
  finish(sim, ctx);
  return sim;
}

/**
 * The duration factor of a stage whose original workers run `factor` times slower (a noisy
 * neighbour, CPU contention) once `scale` times as many workers share its work: the added ones
 * are uncontended, work goes to whoever is free, and it never gets faster than normal.
 */
export function contended(factor: number, scale: number): number {
  return Math.max(1, 1 / (1 / factor + Math.max(0, scale - 1)));
}

function slowDown(sim: StageSim, ctx: LineContext, factor: number): void {
  sim.durationMs *= factor;
  sim.latencyMs *= factor;
  if (factor > 1.4)
    sim.lines.push({ atMs: sim.durationMs * 0.6, level: 'WARN', message: slowLine(ctx, factor) });
}

/** One failed attempt: the attempt's time and the backoff lengthen the stage; a WARN says so. */
function retry(
  sim: StageSim,
  ctx: LineContext,
  attempt: number,
  max: number,
  cause: string,
  attemptMs: number,
): void {
  const backoffMs = Math.min(2 ** attempt, 60) * 1000 * uniform(ctx.rng, 0.8, 1.2);
  sim.durationMs += attemptMs;
  sim.lines.push({
    atMs: sim.durationMs,
    level: 'WARN',
    message: retryLine(ctx, attempt, max, backoffMs, cause),
  });
  sim.durationMs += backoffMs;
  sim.retries = attempt;
}

/** The stage fails `frac` of the way through its work. */
function failAt(sim: StageSim, frac: number, error: StageError): void {
  const before = sim.durationMs;
  sim.durationMs = Math.max(200, before * frac);
  sim.lines = sim.lines.filter((l) => l.atMs <= sim.durationMs);
  sim.records = Math.round(sim.records * frac);
  sim.dataMb *= frac;
  sim.error = error;
}

function sample(
  sim: StageSim,
  rng: Rng,
  input: StageInput,
  memoryPeak: number | null,
  contention: number,
): void {
  const { stage } = input.ctx;
  const n = clamp(Math.round(sim.durationMs / SAMPLE_EVERY_MS), memoryPeak === null ? 1 : 3, 6);
  // A contended worker is busy for longer with the same work: its CPU climbs towards saturation.
  const busy = stage.cpu * (0.9 + 0.15 * input.load);
  const cpuBase = busy + (95 - busy) * (1 - 1 / contention);
  const memBase = stage.memory * (0.85 + 0.2 * input.load);
  for (let i = 1; i <= n; i++) {
    const frac = memoryPeak === null ? i / (n + 1) : i / n;
    const memory =
      memoryPeak === null ? memBase + 3 * rng.normal() : memBase + (memoryPeak - memBase) * frac ** 1.5;
    sim.samples.push({
      atMs: sim.durationMs * frac,
      cpu: clamp(cpuBase + (memoryPeak === null ? 0 : 15 * frac) + 4 * rng.normal(), 1, 99.5),
      memory: clamp(i === n && memoryPeak !== null ? memoryPeak : memory, 1, 100),
    });
  }
}

function finish(sim: StageSim, ctx: LineContext): void {
  const end = sim.durationMs;
  if (sim.error !== null) {
    sim.lines.push({ atMs: end, level: 'ERROR', message: sim.error.log });
  } else {
    if (end > 5000)
      sim.lines.push({
        atMs: end / 2,
        level: 'INFO',
        message: progressLine(Math.round(sim.records / 2), sim.records, end / 2),
      });
    sim.lines.push({
      atMs: end,
      level: 'SUCCESS',
      message: stageDoneLine(ctx, end, sim.records, sim.dataMb),
    });
  }
  sim.lines.sort((a, b) => a.atMs - b.atMs);
}
