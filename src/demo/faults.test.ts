import { describe, expect, it } from 'vitest';
import { isFailedExecution, type TelemetryEvent } from '../domain/index.js';
import { createFleet } from './fleet.js';
import { finalExecutions, finalStages, HOUR, logs, metrics, MIN, T0 } from './testing.js';
import { FAULT_KINDS, type FaultEpisode, type FaultKind } from './types.js';

/** Runs a pipeline by hand every `spacingMs`, `before` times normally, then `during` times under an injected fault. */
function underFault(
  kind: FaultKind,
  options: { before?: number; during?: number; spacingMs?: number; seed?: number } = {},
) {
  const { before = 3, during = 8, spacingMs = 8 * MIN, seed = 7 } = options;
  const fleet = createFleet({ seed, pipelines: 2, startMs: T0, faultRate: 0, emit: 'events' });
  const pipeline = fleet.pipelines()[0];
  const events: TelemetryEvent[] = [];
  const runs = (n: number): void => {
    for (let i = 0; i < n; i++) {
      fleet.execute(pipeline.id);
      events.push(...fleet.advanceTo(fleet.now() + spacingMs).events);
    }
  };
  runs(before);
  const episode = fleet.injectFault(pipeline.id, kind, during * spacingMs);
  runs(during);
  events.push(...fleet.advanceTo(fleet.now() + HOUR).events);
  const mine = events.filter((e) => e.pipeline_id === pipeline.id);
  const labelled = mine.filter((e) => e.labels?.fault_id === episode.fault_id);
  return { fleet, pipeline, episode, events: mine, labelled };
}

const OOM = /MemoryError|OutOfMemoryError|OOMKilled/;
const AUTH = /401|403|Unauthorized|Forbidden|AccessDenied|[Aa]uthentication failed/;
const NETWORK = /refused|timed out|[Tt]imeout|Could not connect|NoBrokersAvailable/;
const errorsOf = (events: readonly TelemetryEvent[]): string[] =>
  logs(events)
    .filter((l) => l.level === 'ERROR')
    .map((l) => l.message);

describe('injected faults', () => {
  it('labels the runs that start inside an episode, and only those', () => {
    const { events, labelled, episode } = underFault('failure_burst');
    const starts = finalExecutions(events);
    for (const x of starts) {
      const inside = (x.started_at ?? 0) >= episode.start && (x.started_at ?? 0) < episode.end;
      expect(x.labels?.fault_id ?? null).toBe(inside ? episode.fault_id : null);
      expect(x.labels?.fault ?? null).toBe(inside ? 'failure_burst' : null);
    }
    expect(finalExecutions(labelled).length).toBeGreaterThanOrEqual(7);
  });

  it('slowdown: stage durations creep up over the episode', () => {
    const { events, episode } = underFault('slowdown', { before: 4, during: 10 });
    const stages = finalStages(events).filter((s) => s.status === 'completed');
    const late = (s: { started_at: number | null }): boolean =>
      (s.started_at ?? 0) > episode.start + 0.6 * (episode.end - episode.start);
    const ratios = [...new Set(stages.map((s) => s.stage_name))].map((name) => {
      const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      const before = stages.filter((s) => s.stage_name === name && (s.started_at ?? 0) < episode.start);
      const after = stages.filter((s) => s.stage_name === name && late(s));
      return mean(after.map((s) => s.duration_seconds)) / mean(before.map((s) => s.duration_seconds));
    });
    expect(Math.max(...ratios)).toBeGreaterThan(1.6);
    expect(logs(events).some((l) => l.level === 'WARN' && /slower|Slow query|GC pause/.test(l.message))).toBe(
      true,
    );
  });

  it('failure_burst: consecutive failed runs', () => {
    const { labelled } = underFault('failure_burst', { during: 12 });
    const runs = finalExecutions(labelled).sort((a, b) => (a.started_at ?? 0) - (b.started_at ?? 0));
    let streak = 0;
    let longest = 0;
    for (const x of runs) {
      streak = x.status === 'failed' ? streak + 1 : 0;
      longest = Math.max(longest, streak);
    }
    expect(longest).toBeGreaterThanOrEqual(3);
    expect(runs.filter((x) => x.status === 'failed').length / runs.length).toBeGreaterThan(0.7);
    expect(errorsOf(labelled).length).toBeGreaterThan(0);
  });

  it('retry_storm: many retries, with WARN lines for each', () => {
    const { labelled } = underFault('retry_storm');
    const runs = finalExecutions(labelled);
    const retries = runs.reduce((s, x) => s + x.retry_count, 0);
    expect(retries / runs.length).toBeGreaterThanOrEqual(2);
    expect(
      logs(labelled).filter((l) => l.level === 'WARN' && /Retrying .* \(attempt \d+\/\d+\)/.test(l.message))
        .length,
    ).toBeGreaterThanOrEqual(retries / 2);
  });

  it('oom: memory climbs to 95-100 % and the stage dies with an out-of-memory error', () => {
    const { labelled } = underFault('oom');
    const memory = metrics(labelled).filter((m) => m.name === 'memory_percent');
    expect(Math.max(...memory.map((m) => m.value))).toBeGreaterThanOrEqual(95);
    const oom = finalStages(labelled).filter((s) => s.status === 'failed' && OOM.test(s.error_message ?? ''));
    expect(oom.length).toBeGreaterThanOrEqual(4);
    expect(new Set(oom.map((s) => s.stage_id)).size).toBe(1);
    expect(errorsOf(labelled).some((m) => OOM.test(m))).toBe(true);
    expect(finalExecutions(labelled).some((x) => isFailedExecution(x) && (x.memory_percent ?? 0) >= 95)).toBe(
      true,
    );
  });

  it('auth_failure: the input stage fails with 401/403-style errors', () => {
    const { labelled, pipeline } = underFault('auth_failure');
    const failed = finalStages(labelled).filter(
      (s) => s.status === 'failed' && s.stage_id === pipeline.stages[0].id,
    );
    expect(failed.length).toBeGreaterThanOrEqual(7);
    for (const s of failed) expect(s.error_message).toMatch(AUTH);
    expect(finalExecutions(labelled).filter((x) => x.status === 'failed').length).toBeGreaterThanOrEqual(7);
  });

  it('schema_drift: a new definition version, then validation fails on columns or types', () => {
    const { labelled, fleet, pipeline, episode } = underFault('schema_drift');
    const after = fleet.pipeline(pipeline.id);
    // The bad deploy, then (nobody rolled back) a human's hotfix at the episode's end.
    expect(after.versions.slice(-2).map((v) => v.source)).toEqual(['deploy', 'hotfix']);
    expect(after.version).toBe(pipeline.version + 2);
    const bad = after.versions.at(-2)?.definition;
    expect(bad?.schema).not.toEqual(pipeline.definition.schema);
    expect(after.definition.schema).toEqual(pipeline.definition.schema);
    expect(new Date(after.versions.at(-1)?.created_at ?? 0).getTime()).toBe(episode.end);
    const validation = pipeline.stages.find((s) => s.type === 'validation');
    const failed = finalStages(labelled).filter(
      (s) => s.status === 'failed' && s.stage_id === validation?.id,
    );
    expect(failed.length).toBeGreaterThanOrEqual(7);
    for (const s of failed) expect(s.error_message).toMatch(/column|Column|cast|not in index/);
    expect(logs(labelled).some((l) => /definition updated to v\d+ by .*: schema/.test(l.message))).toBe(true);
  });

  it('upstream_outage: connection refused and timeouts across stages', () => {
    const { labelled } = underFault('upstream_outage');
    const stageErrors = errorsOf(labelled).filter((m) => !m.startsWith('Execution '));
    const network = stageErrors.filter((m) => NETWORK.test(m));
    expect(network.length).toBeGreaterThanOrEqual(4);
    // Background bugs still happen now and then; the outage dominates.
    expect(network.length).toBeGreaterThanOrEqual(stageErrors.length - 1);
    expect(finalExecutions(labelled).filter((x) => x.status === 'failed').length).toBeGreaterThanOrEqual(4);
  });

  it('plans every kind at random with the configured rate, labels match the truth episodes', () => {
    const fleet = createFleet({ seed: 3, pipelines: 10, startMs: T0, faultRate: 1.5, emit: 'events' });
    const { events } = fleet.advanceTo(T0 + 8 * HOUR);
    const episodes = fleet.episodes();
    expect(new Set(episodes.map((e) => e.fault))).toEqual(new Set(FAULT_KINDS));
    const byId = new Map<string, FaultEpisode>(episodes.map((e) => [e.fault_id, e]));
    const runs = finalExecutions(events).filter((x) => x.labels?.fault_id !== null);
    expect(new Set(runs.map((x) => x.labels?.fault))).toEqual(new Set(FAULT_KINDS));
    const wrong = runs.filter((x) => {
      const e = byId.get(x.labels?.fault_id ?? '');
      return (
        e === undefined ||
        e.pipeline_id !== x.pipeline_id ||
        (x.started_at ?? 0) < e.start ||
        (x.started_at ?? 0) >= e.end
      );
    });
    expect(wrong).toEqual([]);
  });

  it('injects only the kinds asked for, and none at rate 0', () => {
    const only = createFleet({
      seed: 3,
      pipelines: 6,
      startMs: T0,
      faultRate: 2,
      faults: ['oom', 'slowdown'],
      emit: 'events',
    });
    only.advanceTo(T0 + 6 * HOUR);
    expect(new Set(only.episodes().map((e) => e.fault))).toEqual(new Set(['oom', 'slowdown']));
    const none = createFleet({ seed: 3, pipelines: 6, startMs: T0, faultRate: 0, emit: 'events' });
    expect(none.advanceTo(T0 + 6 * HOUR).events.every((e) => e.labels?.fault === null)).toBe(true);
    expect(() =>
      createFleet({ seed: 1, pipelines: 1, startMs: T0, faults: ['meteor' as FaultKind] }),
    ).toThrow(/meteor/);
  });
});
