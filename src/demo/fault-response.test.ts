import { describe, expect, it } from 'vitest';
import { isFailedExecution, type ExecutionEvent, type TelemetryEvent } from '../domain/index.js';
import { createFleet, type DemoFleet } from './fleet.js';
import { contended } from './stage-sim.js';
import { finalExecutions, finalStages, HOUR, metrics, MIN, T0 } from './testing.js';
import type { FaultKind, PipelineView } from './types.js';

const SPACING = 8 * MIN;

/** A quiet fleet with one fault injected for 10 h on pipeline `index`; `runs(n)` starts n runs by hand. */
function faulted(kind: FaultKind, index = 0, seed = 7) {
  const fleet = createFleet({ seed, pipelines: 4, startMs: T0, faultRate: 0, emit: 'events' });
  const pipeline = fleet.pipelines()[index];
  const runs = (n: number): TelemetryEvent[] => {
    const events: TelemetryEvent[] = [];
    for (let i = 0; i < n; i++) {
      fleet.execute(pipeline.id);
      events.push(...fleet.advanceTo(fleet.now() + SPACING).events);
    }
    return events.filter((e) => e.pipeline_id === pipeline.id && e.kind !== 'log');
  };
  const before = runs(4);
  const episode = fleet.injectFault(pipeline.id, kind, 10 * HOUR);
  return { fleet, pipeline, runs, before, episode };
}

const executions = (events: readonly TelemetryEvent[]): ExecutionEvent[] =>
  finalExecutions(events).filter((x) => x.trigger_type === 'api');
const failures = (events: readonly TelemetryEvent[]): number =>
  executions(events).filter(isFailedExecution).length;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const stageSeconds = (events: readonly TelemetryEvent[], stage: string): number =>
  mean(
    finalStages(events)
      .filter((s) => s.stage_name === stage && s.status === 'completed')
      .map((s) => s.duration_seconds),
  );

/** The fixes the control API offers that have nothing to do with `kind`'s cause. */
function unrelatedFixes(fleet: DemoFleet, p: PipelineView): void {
  fleet.updateDefinition(p.id, { timeout_seconds: 604_800 });
  fleet.updateDefinition(p.id, { version: 1 });
}

describe('faults respond to the control API as they would in real life', () => {
  it('contention: more workers take work off the contended ones, never faster than normal', () => {
    expect(contended(4, 1)).toBe(4);
    expect(contended(4, 2)).toBe(1);
    expect(contended(6, 1.5)).toBeCloseTo(1.5);
    expect(contended(1, 3)).toBe(1);
  });

  it('oom: more workers end the out-of-memory failures; retries, a longer timeout or a rollback do not', () => {
    const { fleet, pipeline, runs } = faulted('oom');
    const retried = runs(8);
    expect(failures(retried)).toBeGreaterThanOrEqual(5);
    unrelatedFixes(fleet, pipeline);
    expect(failures(runs(8))).toBeGreaterThanOrEqual(5);
    const scaled = fleet.scaleWorkers(pipeline.id, 2, 10);
    expect(scaled).toMatchObject({ success: true, workers: pipeline.workers + 2 });
    expect(fleet.pipeline(pipeline.id).workers).toBe(pipeline.workers + 2);
    const after = runs(8);
    expect(failures(after)).toBeLessThanOrEqual(1);
    const memory = metrics(after).filter((m) => m.name === 'memory_percent');
    expect(Math.max(...memory.map((m) => m.value))).toBeLessThan(95);
  });

  it('slowdown: contention drives CPU up and stretches the stage; more workers restore its duration', () => {
    const { fleet, pipeline, runs, before, episode } = faulted('slowdown');
    runs(30);
    const slow = runs(6);
    const stage = pipeline.stages.find((s) => stageSeconds(slow, s.name) > 2 * stageSeconds(before, s.name));
    expect(stage).toBeDefined();
    const name = stage?.name ?? '';
    const cpu = (events: readonly TelemetryEvent[]) =>
      mean(
        metrics(events)
          .filter((m) => m.name === 'cpu_percent' && m.stage_id === stage?.id)
          .map((m) => m.value),
      );
    // Towards saturation: at least a third of the headroom to 95 % taken.
    expect(cpu(slow) - cpu(before)).toBeGreaterThan((95 - cpu(before)) / 3);
    unrelatedFixes(fleet, pipeline);
    expect(stageSeconds(runs(4), name)).toBeGreaterThan(2 * stageSeconds(before, name));
    fleet.scaleWorkers(pipeline.id, pipeline.workers, 100);
    const scaled = runs(6);
    expect(fleet.now()).toBeLessThan(episode.end);
    expect(stageSeconds(scaled, name)).toBeLessThan(1.5 * stageSeconds(before, name));
  });

  it('upstream outage: a retry during the outage fails, one after the upstream is back succeeds', () => {
    const fleet = createFleet({ seed: 7, pipelines: 4, startMs: T0, faultRate: 0, emit: 'events' });
    const p = fleet.pipelines()[0];
    fleet.advanceTo(T0 + HOUR);
    const episode = fleet.injectFault(p.id, 'upstream_outage', 40 * MIN);
    const outcome = (): ExecutionEvent | undefined => {
      const { execution_id } = fleet.execute(p.id);
      return finalExecutions(fleet.advanceTo(fleet.now() + 4 * MIN).events).find(
        (x) => x.execution_id === execution_id,
      );
    };
    const during = [outcome(), outcome(), outcome(), outcome()];
    expect(during.filter((x) => x !== undefined && isFailedExecution(x)).length).toBeGreaterThanOrEqual(3);
    fleet.scaleWorkers(p.id, 4, 10);
    expect(isFailedExecution(outcome() ?? { status: 'failed', stage_failures: 0 })).toBe(true);
    fleet.advanceTo(episode.end + MIN);
    const back = [outcome(), outcome(), outcome()];
    expect(back.every((x) => x !== undefined && !isFailedExecution(x))).toBe(true);
  });

  it('auth failure: nothing the orchestrator or more workers can do ends it', () => {
    const { fleet, pipeline, runs } = faulted('auth_failure');
    expect(failures(runs(6))).toBe(6);
    fleet.scaleWorkers(pipeline.id, 4, 10);
    unrelatedFixes(fleet, pipeline);
    fleet.deactivate(pipeline.id);
    fleet.activate(pipeline.id);
    expect(failures(runs(6))).toBe(6);
  });

  it('a retry storm on a non-critical external stage ends for the runs that skip that stage', () => {
    const fleet = createFleet({ seed: 7, pipelines: 12, startMs: T0, faultRate: 0, emit: 'events' });
    const p = fleet
      .pipelines()
      .find((v) =>
        v.stages.some((s) => !s.critical && s.type !== 'input' && /join|enrich|normalize/.test(s.name)),
      );
    expect(p).toBeDefined();
    const pipeline = p as PipelineView;
    const external = pipeline.stages.filter(
      (s) => /join|enrich|normalize/.test(s.name) || s.type === 'input',
    );
    // Only this test's stages are hit when every external stage but the input is not critical.
    fleet.advanceTo(T0 + HOUR);
    fleet.injectFault(pipeline.id, 'retry_storm', 10 * HOUR);
    const retries = (events: readonly TelemetryEvent[], stage: string) =>
      finalStages(events)
        .filter((s) => s.stage_name === stage)
        .reduce((n, s) => n + s.retry_count, 0);
    const run = () => {
      const events: TelemetryEvent[] = [];
      for (let i = 0; i < 6; i++) {
        fleet.execute(pipeline.id);
        events.push(
          ...fleet.advanceTo(fleet.now() + SPACING).events.filter((e) => e.pipeline_id === pipeline.id),
        );
      }
      return events;
    };
    const skippable = external.find((s) => !s.critical && s.type !== 'input');
    const name = skippable?.name ?? '';
    expect(retries(run(), name)).toBeGreaterThanOrEqual(6);
    fleet.updateDefinition(pipeline.id, { skip_stages: [name] });
    const after = run();
    expect(retries(after, name)).toBe(0);
    expect(
      finalStages(after)
        .filter((s) => s.stage_name === name)
        .every((s) => s.status === 'skipped'),
    ).toBe(true);
  });

  it('scale_workers refuses bad numbers, stops at max and never scales down', () => {
    const fleet = createFleet({ seed: 7, pipelines: 1, startMs: T0, faultRate: 0, emit: 'events' });
    const p = fleet.pipelines()[0];
    expect(() => fleet.scaleWorkers(p.id, 0, 10)).toThrow(expect.objectContaining({ field: 'delta' }));
    expect(() => fleet.scaleWorkers(p.id, 1, 0)).toThrow(expect.objectContaining({ field: 'max' }));
    expect(fleet.scaleWorkers(p.id, 50, p.workers + 1).workers).toBe(p.workers + 1);
    const again = fleet.scaleWorkers(p.id, 1, 1);
    expect(again).toMatchObject({ success: true, workers: p.workers + 1 });
    expect(again.message).toMatch(/already runs/);
    const log = fleet
      .advanceTo(T0 + MIN)
      .events.filter((e) => e.kind === 'log' && /scaled from/.test(e.message));
    expect(log).toHaveLength(1);
  });
});
