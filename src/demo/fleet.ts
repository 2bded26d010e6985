import { AppError, NotFoundError, SeededRng, ValidationError } from '../shared/index.js';
import type { TriggerType } from '../domain/index.js';
import { stageFlags } from './definition.js';
import { closeDriftsIfFixed, deployDrift, hotfixDrift, publicEpisode } from './drift.js';
import { planDefinitionUpdate } from './apply-update.js';
import { parseDefinitionUpdate, type DefinitionUpdate } from './definition-update.js';
import { EmissionBuffer, type Outputs } from './emit.js';
import { FaultPlan, type Episode } from './faults.js';
import { buildPipelineSpec } from './fleet-spec.js';
import { stableUuid, subSeed } from './ids.js';
import { PipelineState } from './pipeline-state.js';
import { planRun } from './plan-run.js';
import { Run } from './run.js';
import {
  FAULT_KINDS,
  NORMAL_LABELS,
  type AdvanceResult,
  type ControlResult,
  type ExecutionView,
  type FaultEpisode,
  type FaultKind,
  type FleetOptions,
  type PipelineView,
} from './types.js';

const DEFAULT_FAULT_RATE = 0.15;
/** Finished executions remembered for the control API (older ones answer 404). */
const REMEMBERED_EXECUTIONS = 50_000;

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * A seeded fleet of simulated FlexiRoaster pipelines. `advanceTo` runs simulated time forward and
 * returns what happened; the control methods act at the fleet's current simulated time (`now()`),
 * and what they cause is returned by the next advance.
 */
export class DemoFleet {
  readonly seed: number;
  private readonly options: Required<FleetOptions>;
  private readonly buf: EmissionBuffer;
  private states: PipelineState[] = [];
  private readonly byId = new Map<string, PipelineState>();
  private readonly executions = new Map<string, Run>();
  private startedFaults: FaultEpisode[] = [];
  private nowMs: number;
  private advanced = false;

  constructor(options: FleetOptions) {
    if (!Number.isInteger(options.pipelines) || options.pipelines < 1)
      throw new RangeError(`pipelines must be an integer ≥ 1, got ${options.pipelines}`);
    const faultRate = options.faultRate ?? DEFAULT_FAULT_RATE;
    if (!(faultRate >= 0) || !Number.isFinite(faultRate))
      throw new RangeError(`faultRate must be ≥ 0, got ${faultRate}`);
    if (!Number.isFinite(options.startMs)) throw new RangeError('startMs must be a finite epoch time in ms');
    const faults = options.faults ?? FAULT_KINDS;
    const unknown = faults.find((f) => !FAULT_KINDS.includes(f));
    if (unknown !== undefined)
      throw new RangeError(`unknown fault '${unknown}'; known: ${FAULT_KINDS.join(', ')}`);
    this.seed = Math.trunc(options.seed);
    this.options = { ...options, faults: [...faults], faultRate, emit: options.emit ?? 'both' };
    const emit = this.options.emit;
    const outputs: Outputs = { events: emit !== 'rows', rows: emit !== 'events' };
    this.buf = new EmissionBuffer(outputs);
    this.nowMs = options.startMs;
    this.build(options.startMs);
  }

  /** The simulated time reached so far (epoch ms). */
  now(): number {
    return this.nowMs;
  }

  /** Moves where history begins, before the first advance (the driver's backfill uses it). */
  startAt(startMs: number): void {
    if (this.advanced) throw new Error('startAt is only allowed before the first advance');
    this.nowMs = startMs;
    this.build(startMs);
  }

  /** Simulates up to `tMs` and returns everything that happened since the last advance, in time order. */
  advanceTo(tMs: number): AdvanceResult {
    if (!(tMs >= this.nowMs))
      throw new RangeError(`advanceTo(${tMs}) is before the fleet's time ${this.nowMs}`);
    this.advanced = true;
    const from = this.nowMs;
    for (const p of this.states) this.advancePipeline(p, tMs);
    this.nowMs = tMs;
    const { events, rows } = this.buf.drain();
    const faults_started = this.startedFaults.sort(
      (a, b) => a.start - b.start || this.indexOf(a) - this.indexOf(b),
    );
    this.startedFaults = [];
    return { from, to: tMs, events, rows, faults_started };
  }

  /** Every fault episode that has started so far, by start time (ends reflect fixes so far). */
  episodes(): FaultEpisode[] {
    return this.states
      .flatMap((p) => p.faults.started)
      .map(publicEpisode)
      .sort((a, b) => a.start - b.start || a.pipeline_id.localeCompare(b.pipeline_id));
  }

  /** All pipelines, in fleet order. */
  pipelines(): PipelineView[] {
    return this.states.map((p) => p.view());
  }

  /** One pipeline; NotFoundError when unknown. */
  pipeline(pipelineId: string): PipelineView {
    return this.state(pipelineId).view();
  }

  /** One execution; NotFoundError when unknown or long forgotten. */
  execution(executionId: string): ExecutionView {
    const run = this.run(executionId);
    return {
      execution_id: run.id,
      pipeline_id: run.facts.spec.id,
      status: run.status,
      paused: run.paused,
      trigger_type: run.facts.trigger,
      started_at: iso(run.startMs),
      completed_at: run.endedAt === null ? null : iso(run.endedAt),
      definition_version: run.facts.definitionVersion,
    };
  }

  /** Starts a run now; refuses (CONFLICT) on an inactive pipeline. */
  execute(pipelineId: string, trigger: TriggerType = 'api'): { execution_id: string; status: 'running' } {
    const p = this.state(pipelineId);
    if (!p.active) throw new AppError('CONFLICT', `pipeline ${p.spec.name} is inactive; activate it first`);
    const run = this.startRun(p, this.nowMs, trigger, ['manual', this.nowMs, p.manualRuns++]);
    run.advanceTo(this.nowMs, this.buf);
    return { execution_id: run.id, status: 'running' };
  }

  /** Cancels a running (or paused) execution. */
  stop(executionId: string): ControlResult {
    const run = this.run(executionId);
    if (run.status === 'cancelled')
      return { success: true, message: `execution ${run.id} was already cancelled` };
    this.mustBeRunning(run, 'stop');
    run.cancel(this.nowMs, this.buf);
    return { success: true, message: `execution ${run.id} cancelled` };
  }

  /** Holds a running execution where it is. */
  pause(executionId: string): ControlResult {
    const run = this.run(executionId);
    this.mustBeRunning(run, 'pause');
    if (run.paused) return { success: true, message: `execution ${run.id} is already paused` };
    run.pause(this.nowMs, this.buf);
    return { success: true, message: `execution ${run.id} paused` };
  }

  /** Lets a paused execution carry on. */
  resume(executionId: string): ControlResult {
    const run = this.run(executionId);
    this.mustBeRunning(run, 'resume');
    if (!run.paused) return { success: true, message: `execution ${run.id} is not paused` };
    run.resume(this.nowMs, this.buf);
    return { success: true, message: `execution ${run.id} resumed` };
  }

  /** Lets the pipeline's schedule start runs again. */
  activate(pipelineId: string): ControlResult {
    return this.setActive(this.state(pipelineId), true);
  }

  /** Stops the pipeline's schedule starting runs (runs in flight finish). */
  deactivate(pipelineId: string): ControlResult {
    return this.setActive(this.state(pipelineId), false);
  }

  /** Applies a PUT of the pipeline definition (see DefinitionUpdate); a new version when anything changed. */
  updateDefinition(pipelineId: string, update: DefinitionUpdate): ControlResult & { pipeline: PipelineView } {
    const p = this.state(pipelineId);
    // Programmatic callers get the same checks as the HTTP body.
    const checked = parseDefinitionUpdate(update);
    const plan = planDefinitionUpdate(p, checked);
    const messages: string[] = [];
    if (plan.changed) {
      const v = p.addVersion(
        plan.definition,
        plan.timeoutSeconds,
        this.nowMs,
        plan.source,
        plan.restoredFrom,
      );
      p.emitRows(this.buf, this.nowMs);
      p.emitLog(
        this.buf,
        this.nowMs,
        'INFO',
        `Pipeline ${p.spec.name} definition updated to v${v.version} via API: ${plan.summary}`,
        this.labelsAt(p),
        'flexiroaster-api',
      );
      messages.push(`definition updated to v${v.version} (${plan.summary})`);
      closeDriftsIfFixed(p, this.nowMs);
    } else if (checked.is_active === undefined) messages.push('definition unchanged');
    if (checked.is_active !== undefined) messages.push(this.setActive(p, checked.is_active).message);
    return { success: true, message: messages.join('; '), pipeline: p.view() };
  }

  /**
   * Adds `delta` workers to the pipeline, never past `max`; runs starting from now use them (the
   * infrastructure side of scale_workers: more memory and CPU for its stages, nothing else).
   */
  scaleWorkers(pipelineId: string, delta: number, max: number): ControlResult & { workers: number } {
    if (!Number.isInteger(delta) || delta < 1)
      throw new ValidationError('delta', 'delta must be an integer ≥ 1');
    if (!Number.isInteger(max) || max < 1) throw new ValidationError('max', 'max must be an integer ≥ 1');
    const p = this.state(pipelineId);
    const from = p.workers;
    const to = Math.max(from, Math.min(max, from + delta));
    if (to === from)
      return {
        success: true,
        workers: from,
        message: `pipeline ${p.spec.name} already runs ${from} workers (max ${max})`,
      };
    p.workers = to;
    p.emitLog(
      this.buf,
      this.nowMs,
      'INFO',
      `Pipeline ${p.spec.name} scaled from ${from} to ${to} workers via API`,
      this.labelsAt(p),
      'flexiroaster-scheduler',
    );
    return {
      success: true,
      workers: to,
      message: `pipeline ${p.spec.name} scaled from ${from} to ${to} workers`,
    };
  }

  /** The pipeline that runs most often (the first of equals): where a fault shows soonest. */
  busiestPipeline(): string {
    let best = this.states[0];
    for (const p of this.states) if (p.spec.intervalMs < best.spec.intervalMs) best = p;
    return best.spec.id;
  }

  /** Starts a fault episode on a pipeline now (for demos and tests); runs starting from now show it. */
  injectFault(pipelineId: string, fault: FaultKind, durationMs: number | null = null): FaultEpisode {
    if (!FAULT_KINDS.includes(fault)) throw new RangeError(`unknown fault '${fault}'`);
    const p = this.state(pipelineId);
    const e = p.faults.inject(fault, this.nowMs, durationMs);
    this.beginEpisode(p, e);
    return publicEpisode(e);
  }

  private build(startMs: number): void {
    const { seed } = this;
    this.states = [];
    this.byId.clear();
    this.executions.clear();
    this.startedFaults = [];
    for (let i = 0; i < this.options.pipelines; i++) {
      const spec = buildPipelineSpec(seed, i, startMs);
      const plan = new FaultPlan(seed, spec, this.options.faults, this.options.faultRate, startMs);
      const state = new PipelineState(seed, spec, plan, startMs);
      this.states.push(state);
      this.byId.set(spec.id, state);
    }
    this.buf.drain();
    for (const p of this.states) p.emitRows(this.buf, startMs);
  }

  private advancePipeline(p: PipelineState, tMs: number): void {
    for (;;) {
      const episodeAt = p.faults.next()?.start ?? Infinity;
      const driftEndAt = p.faults.nextDriftEnd();
      const slot = p.peekSlot();
      const next = Math.min(episodeAt, driftEndAt, slot.at);
      if (next > tMs) break;
      if (episodeAt === next) this.beginEpisode(p, p.faults.begin());
      else if (driftEndAt === next) hotfixDrift(p, driftEndAt, this.buf, this.seed);
      else this.onSlot(p, p.takeSlot());
    }
    let finished = false;
    for (const run of p.runs) {
      run.advanceTo(tMs, this.buf);
      finished ||= run.status !== 'running';
    }
    if (finished) p.runs = p.runs.filter((r) => r.status === 'running');
  }

  private onSlot(p: PipelineState, slot: ReturnType<PipelineState['takeSlot']>): void {
    if (!slot.runs || !p.active) return;
    const busy = p.runs.find((r) => r.facts.trigger === slot.trigger && r.plannedEnd() > slot.at);
    if (busy !== undefined) {
      const message = `Skipping ${slot.trigger} run of ${p.spec.name} at ${iso(slot.at)}: execution ${busy.id} (started ${iso(busy.startMs)}) is still running`;
      p.emitLog(this.buf, slot.at, 'WARN', message, this.labelsAt(p, slot.at), 'flexiroaster-scheduler');
      return;
    }
    this.startRun(p, slot.at, slot.trigger, ['slot', slot.k]);
  }

  private startRun(
    p: PipelineState,
    at: number,
    trigger: TriggerType,
    seedParts: readonly (string | number)[],
  ): Run {
    const def = p.current();
    const episode = p.faults.activeAt(at);
    const span = episode === null ? 1 : Math.max(1, episode.plannedEnd - episode.start);
    const fault =
      episode === null
        ? null
        : {
            kind: episode.fault,
            params: episode.params,
            progress: Math.min(1, Math.max(0, (at - episode.start) / span)),
          };
    const executionId = stableUuid(`execution:${this.seed}:${p.spec.index}:${seedParts.join(':')}`);
    const rng = new SeededRng(subSeed(this.seed, p.spec.index, 'run', ...seedParts));
    const steps = planRun({
      spec: p.spec,
      def,
      startMs: at,
      executionId,
      trigger,
      fault,
      workers: p.workers,
      rng,
    });
    const facts = {
      spec: p.spec,
      executionId,
      trigger,
      labels: this.labelsAt(p, at),
      definitionVersion: def.version,
      critical: stageFlags(def.definition, p.spec).critical,
    };
    const run = new Run(facts, p.spec.index, p.runOrdinal++, at, steps);
    p.runs.push(run);
    this.remember(run);
    return run;
  }

  private beginEpisode(p: PipelineState, e: Episode): void {
    this.startedFaults.push(publicEpisode(e));
    deployDrift(p, e, this.buf, this.seed);
  }

  private setActive(p: PipelineState, active: boolean): ControlResult {
    const word = active ? 'activated' : 'deactivated';
    if (p.active === active) return { success: true, message: `pipeline ${p.spec.name} is already ${word}` };
    p.active = active;
    p.updatedAt = this.nowMs;
    p.emitRows(this.buf, this.nowMs);
    p.emitLog(
      this.buf,
      this.nowMs,
      'INFO',
      `Pipeline ${p.spec.name} ${word} via API`,
      this.labelsAt(p),
      'flexiroaster-api',
    );
    return { success: true, message: `pipeline ${p.spec.name} ${word}` };
  }

  private labelsAt(p: PipelineState, at = this.nowMs): { fault: string | null; fault_id: string | null } {
    const e = p.faults.activeAt(at);
    return e === null ? NORMAL_LABELS : { fault: e.fault, fault_id: e.fault_id };
  }

  private mustBeRunning(run: Run, verb: string): void {
    if (run.status !== 'running')
      throw new AppError('CONFLICT', `cannot ${verb} execution ${run.id}: it already ${run.status}`);
  }

  private indexOf(e: FaultEpisode): number {
    return this.state(e.pipeline_id).spec.index;
  }

  private state(pipelineId: string): PipelineState {
    const p = this.byId.get(pipelineId);
    if (p === undefined) throw new NotFoundError(`no pipeline with id ${pipelineId}`);
    return p;
  }

  private run(executionId: string): Run {
    const run = this.executions.get(executionId);
    if (run === undefined) throw new NotFoundError(`no execution with id ${executionId}`);
    return run;
  }

  private remember(run: Run): void {
    this.executions.set(run.id, run);
    if (this.executions.size <= REMEMBERED_EXECUTIONS) return;
    for (const [id, r] of this.executions) {
      if (this.executions.size <= REMEMBERED_EXECUTIONS) break;
      if (r.status !== 'running') this.executions.delete(id);
    }
  }
}

/** Builds a fleet; see FleetOptions. */
export function createFleet(options: FleetOptions): DemoFleet {
  return new DemoFleet(options);
}
