import type { LogLevel, TriggerType } from '../domain/index.js';
import type { Rng } from '../shared/index.js';
import { schemaProblems, stageFlags, type DefinitionVersion } from './definition.js';
import { timeoutError } from './error-lines.js';
import type { Endpoint, PipelineSpec, StageSpec } from './fleet-spec.js';
import { simulateStage, type ActiveFault, type StageSim } from './stage-sim.js';
import { podName, secs, type LineContext } from './text.js';

/** How a stage ended, as its terminal event and row report it. */
export interface StageOutcome {
  status: 'completed' | 'failed' | 'skipped';
  error: string | null;
  retries: number;
  records: number;
  dataMb: number;
  throughput: number;
  latencyMs: number;
  /** Mean CPU and peak memory over the stage's samples (null when it did not run). */
  cpu: number | null;
  memory: number | null;
}

/** How a run ended, as its terminal event and row report it. */
export interface ExecOutcome {
  status: 'completed' | 'failed';
  error: string | null;
  retries: number;
  stageFailures: number;
  stageErrors: string[];
  dataMb: number | null;
  throughput: number | null;
  latencyMs: number | null;
  cpu: number | null;
  memory: number | null;
}

/** One thing that happens in a run, `at` ms after it started (before any pause shifts it). */
export type Step =
  | { at: number; kind: 'exec_start' }
  | { at: number; kind: 'stage_start'; stage: number }
  | { at: number; kind: 'sample'; stage: number; cpu: number; memory: number }
  | { at: number; kind: 'log'; stage: number | null; level: LogLevel; message: string }
  | { at: number; kind: 'stage_end'; stage: number; outcome: StageOutcome }
  | { at: number; kind: 'exec_end'; outcome: ExecOutcome };

/** What a run's plan depends on; `rng` is the run's own generator. */
export interface RunInput {
  spec: PipelineSpec;
  def: DefinitionVersion;
  startMs: number;
  executionId: string;
  trigger: TriggerType;
  fault: ActiveFault | null;
  /** Workers the pipeline runs on now (its spec says how many it started with). */
  workers: number;
  rng: Rng;
}

const HOUR = 3_600_000;

/** Daily load cycle: busiest mid-afternoon UTC, quietest at night (±20 %). */
export function seasonality(ms: number): number {
  const hour = (((ms % (24 * HOUR)) + 24 * HOUR) % (24 * HOUR)) / HOUR;
  return 1 + 0.2 * Math.sin((2 * Math.PI * (hour - 9)) / 24);
}

/** Plans a whole run up front, so that when it is observed (in one advance or many) does not change it. */
export function planRun(input: RunInput): Step[] {
  const { spec, def, rng } = input;
  const load = seasonality(input.startMs) * Math.exp(0.12 * rng.normal());
  const flags = stageFlags(def.definition, spec);
  const problems = schemaProblems(def.definition, spec);
  const schemaStage = spec.stages.findIndex((s) => s.type === 'validation');
  const timeoutMs = def.timeoutSeconds * 1000;
  const steps: Step[] = [{ at: 0, kind: 'exec_start' }];
  const runLog = (at: number, level: LogLevel, message: string): void => {
    steps.push({ at, kind: 'log', stage: null, level, message });
  };
  runLog(
    0,
    'INFO',
    `Execution ${input.executionId} started (trigger=${input.trigger}, definition v${def.version}, ${spec.stages.length} stages)`,
  );
  const outcomes: StageOutcome[] = [];
  let records = spec.records * load;
  let t = Math.round(300 + 1200 * rng.next());
  let fatal: { stage: StageSpec; error: string; timedOut: boolean } | null = null;
  for (const stage of spec.stages) {
    const j = stage.order_index;
    if (flags.skip[j]) {
      steps.push({
        at: t,
        kind: 'log',
        stage: j,
        level: 'INFO',
        message: `Stage ${stage.name} skipped (marked skip in definition v${def.version})`,
      });
      steps.push({ at: t, kind: 'stage_end', stage: j, outcome: skippedOutcome() });
      continue;
    }
    const ctx: LineContext = { rng, spec, stage, runStartMs: input.startMs, executionId: input.executionId };
    const sim = simulateStage({
      ctx,
      load,
      records: Math.round(records),
      fault: input.fault,
      scale: input.workers / spec.workers,
      schemaProblems: j === schemaStage ? problems : [],
      endpoint: endpointOf(spec, stage),
    });
    const timedOut = t + sim.durationMs > timeoutMs;
    if (timedOut) cutAtTimeout(sim, ctx, Math.max(0, timeoutMs - t), def.timeoutSeconds);
    const start = t;
    const end = Math.round(start + sim.durationMs);
    steps.push({ at: start, kind: 'stage_start', stage: j });
    for (const line of sim.lines)
      steps.push({
        at: Math.min(end, Math.round(start + line.atMs)),
        kind: 'log',
        stage: j,
        level: line.level,
        message: line.message,
      });
    for (const s of sim.samples)
      steps.push({
        at: Math.min(end, Math.round(start + s.atMs)),
        kind: 'sample',
        stage: j,
        cpu: s.cpu,
        memory: s.memory,
      });
    const outcome = stageOutcome(sim, end - start);
    outcomes.push(outcome);
    steps.push({ at: end, kind: 'stage_end', stage: j, outcome });
    t = end;
    if (sim.error !== null && (flags.critical[j] || timedOut)) {
      fatal = { stage, error: sim.error.short, timedOut };
      break;
    }
    records *= stage.recordFactor;
    t += Math.round(100 + 700 * rng.next());
  }
  t += Math.round(50 + 250 * rng.next());
  const exec = execOutcome(outcomes, fatal, t, def.timeoutSeconds);
  if (fatal !== null)
    runLog(
      t,
      'ERROR',
      `Execution ${input.executionId} failed at stage ${fatal.stage.name} after ${secs(t)}: ${fatal.error}`,
    );
  else if (exec.stageFailures > 0)
    runLog(
      t,
      'WARN',
      `Execution ${input.executionId} completed in ${secs(t)} with ${exec.stageFailures} failed non-critical stage(s)`,
    );
  else
    runLog(
      t,
      'SUCCESS',
      `Execution ${input.executionId} completed in ${secs(t)} (${outcomes.length} stages run)`,
    );
  steps.push({ at: t, kind: 'exec_end', outcome: exec });
  return steps.sort((a, b) => a.at - b.at);
}

function cutAtTimeout(sim: StageSim, ctx: LineContext, cutMs: number, timeoutSeconds: number): void {
  const error = timeoutError(ctx, timeoutSeconds, podName(ctx));
  const frac = sim.durationMs > 0 ? cutMs / sim.durationMs : 0;
  sim.durationMs = cutMs;
  sim.records = Math.round(sim.records * frac);
  sim.dataMb *= frac;
  sim.lines = [
    ...sim.lines.filter((l) => l.atMs < cutMs && l.level !== 'ERROR'),
    { atMs: cutMs, level: 'ERROR', message: error.log },
  ];
  sim.samples = sim.samples.filter((s) => s.atMs <= cutMs);
  sim.error = error;
}

function endpointOf(spec: PipelineSpec, stage: StageSpec): Endpoint {
  if (stage.type === 'input') return spec.source;
  if (stage.type === 'transform' && stage.external) {
    const host = `${stage.name.replace(/_/g, '-')}.svc.cluster.local`;
    return {
      kind: 'http',
      host,
      port: 8080,
      ip: spec.source.ip.replace(/\.\d+$/, '.9'),
      target: '/v1/lookup',
    };
  }
  return spec.sink;
}

function skippedOutcome(): StageOutcome {
  return {
    status: 'skipped',
    error: null,
    retries: 0,
    records: 0,
    dataMb: 0,
    throughput: 0,
    latencyMs: 0,
    cpu: null,
    memory: null,
  };
}

function stageOutcome(sim: StageSim, durationMs: number): StageOutcome {
  const cpu =
    sim.samples.length === 0 ? null : sim.samples.reduce((s, x) => s + x.cpu, 0) / sim.samples.length;
  const memory = sim.samples.length === 0 ? null : Math.max(...sim.samples.map((x) => x.memory));
  return {
    status: sim.error === null ? 'completed' : 'failed',
    error: sim.error?.short ?? null,
    retries: sim.retries,
    records: sim.records,
    dataMb: sim.dataMb,
    throughput: durationMs > 0 ? (sim.records * 60_000) / durationMs : 0,
    latencyMs: sim.latencyMs,
    cpu,
    memory,
  };
}

function execOutcome(
  stages: readonly StageOutcome[],
  fatal: { stage: StageSpec; error: string; timedOut: boolean } | null,
  durationMs: number,
  timeoutSeconds: number,
): ExecOutcome {
  const ran = stages.filter((s) => s.cpu !== null);
  const failed = stages.filter((s) => s.status === 'failed');
  const input = stages[0];
  let error: string | null = null;
  if (fatal?.timedOut) error = `Execution timed out after ${timeoutSeconds}s in stage ${fatal.stage.name}`;
  else if (fatal !== null) error = `Stage ${fatal.stage.name} failed: ${fatal.error}`;
  return {
    status: fatal === null ? 'completed' : 'failed',
    error,
    retries: stages.reduce((s, x) => s + x.retries, 0),
    stageFailures: failed.length,
    stageErrors: failed.map((s) => s.error ?? 'unknown error'),
    dataMb: input === undefined || input.status === 'skipped' ? null : input.dataMb,
    throughput: input === undefined || durationMs <= 0 ? null : (input.records * 60_000) / durationMs,
    latencyMs: ran.length === 0 ? null : ran.reduce((s, x) => s + x.latencyMs, 0) / ran.length,
    cpu: ran.length === 0 ? null : ran.reduce((s, x) => s + (x.cpu ?? 0), 0) / ran.length,
    memory: ran.length === 0 ? null : Math.max(...ran.map((x) => x.memory ?? 0)),
  };
}
