import { describe, expect, it } from 'vitest';
import type { ExecutionEvent } from '../domain/index.js';
import { AppError, NotFoundError, ValidationError } from '../shared/index.js';
import { createFleet } from './fleet.js';
import { finalExecutions, finalStages, HOUR, MIN, T0 } from './testing.js';

const fleetAt = (minutes = 30) => {
  const fleet = createFleet({ seed: 17, pipelines: 3, startMs: T0, faultRate: 0, emit: 'events' });
  fleet.advanceTo(T0 + minutes * MIN);
  return fleet;
};

describe('demo fleet control', () => {
  it('deactivate stops a pipeline from running; activate brings it back', () => {
    const fleet = fleetAt();
    const id = fleet.pipelines()[0].id;
    const at = fleet.now();
    expect(fleet.deactivate(id)).toEqual({ success: true, message: expect.stringContaining('deactivated') });
    expect(fleet.deactivate(id).message).toMatch(/already/);
    expect(fleet.pipeline(id).is_active).toBe(false);
    const off = fleet.advanceTo(at + 2 * HOUR).events.filter((e) => e.pipeline_id === id);
    const started = off.filter(
      (e) => e.kind === 'execution' && e.status === 'running' && (e.started_at ?? 0) > at,
    );
    expect(started).toEqual([]);
    expect(() => fleet.execute(id)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    fleet.activate(id);
    const on = fleet.advanceTo(fleet.now() + 2 * HOUR).events.filter((e) => e.pipeline_id === id);
    expect(finalExecutions(on).length).toBeGreaterThan(0);
  });

  it('execute starts a run now with trigger api; it finishes on its own', () => {
    const fleet = fleetAt();
    const id = fleet.pipelines()[1].id;
    const { execution_id, status } = fleet.execute(id);
    expect(status).toBe('running');
    const r = fleet.advanceTo(fleet.now() + HOUR);
    const mine = r.events.filter(
      (e): e is ExecutionEvent => e.kind === 'execution' && e.execution_id === execution_id,
    );
    expect(mine[0]).toMatchObject({ status: 'running', trigger_type: 'api', started_at: T0 + 30 * MIN });
    const last = mine.at(-1)?.status;
    expect(['completed', 'failed']).toContain(last);
    expect(fleet.execution(execution_id).status).toBe(last);
  });

  it('stop cancels a running execution at once and nothing of it follows', () => {
    const fleet = fleetAt();
    const { execution_id } = fleet.execute(fleet.pipelines()[0].id);
    fleet.advanceTo(fleet.now() + 2000);
    const at = fleet.now();
    expect(fleet.stop(execution_id).success).toBe(true);
    expect(fleet.stop(execution_id).message).toMatch(/already cancelled/);
    const r = fleet.advanceTo(at + HOUR);
    const mine = r.events.filter((e) => 'execution_id' in e && e.execution_id === execution_id);
    const final = finalExecutions(mine);
    expect(final).toHaveLength(1);
    expect(final[0]).toMatchObject({ status: 'cancelled', completed_at: at });
    expect(mine.every((e) => e.event_time === at)).toBe(true);
    expect(finalStages(mine).every((s) => s.status === 'skipped')).toBe(true);
    expect(() => fleet.pause(execution_id)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
  });

  it('pause holds an execution; resume lets it finish later by the time paused', () => {
    const fleet = fleetAt();
    const id = fleet.pipelines()[2].id;
    const { execution_id } = fleet.execute(id);
    fleet.advanceTo(fleet.now() + 1000);
    fleet.pause(execution_id);
    expect(fleet.pause(execution_id).message).toMatch(/already paused/);
    expect(fleet.execution(execution_id).paused).toBe(true);
    const held = fleet
      .advanceTo(fleet.now() + 3 * HOUR)
      .events.filter((e) => 'execution_id' in e && e.execution_id === execution_id);
    const onlyPauseNotes = held.every(
      (e) =>
        (e.kind === 'log' && /paused/.test(e.message)) || (e.kind === 'execution' && e.status === 'running'),
    );
    expect(onlyPauseNotes).toBe(true);
    fleet.resume(execution_id);
    const rest = fleet
      .advanceTo(fleet.now() + 3 * HOUR)
      .events.filter((e) => 'execution_id' in e && e.execution_id === execution_id);
    const [final] = finalExecutions(rest);
    expect(final.duration_seconds).toBeGreaterThan(3600);
    expect(() => fleet.resume(execution_id)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
  });

  it('a longer timeout_seconds stops timeouts caused by a short one', () => {
    const fleet = fleetAt();
    const p = fleet.pipelines()[0];
    fleet.updateDefinition(p.id, { timeout_seconds: 3 });
    const short = finalExecutions(
      fleet.advanceTo(fleet.now() + HOUR).events.filter((e) => e.pipeline_id === p.id),
    );
    expect(short.length).toBeGreaterThan(0);
    expect(
      short.every((x) => x.status === 'failed' && /timed out after 3s/.test(x.error_message ?? '')),
    ).toBe(true);
    fleet.updateDefinition(p.id, { timeout_seconds: 7200 });
    const long = finalExecutions(
      fleet.advanceTo(fleet.now() + HOUR).events.filter((e) => e.pipeline_id === p.id),
    );
    expect(long.length).toBeGreaterThan(0);
    expect(long.some((x) => /timed out/.test(x.error_message ?? ''))).toBe(false);
    expect(
      fleet
        .pipeline(p.id)
        .versions.slice(-2)
        .map((v) => v.timeout_seconds),
    ).toEqual([3, 7200]);
  });

  it('restoring the previous definition version ends a schema drift', () => {
    const fleet = fleetAt();
    const p = fleet.pipelines()[1];
    const episode = fleet.injectFault(p.id, 'schema_drift', 10 * HOUR);
    const bad = fleet.pipeline(p.id);
    expect(bad.version).toBe(p.version + 1);
    const drifted = finalExecutions(
      fleet.advanceTo(fleet.now() + HOUR).events.filter((e) => e.pipeline_id === p.id),
    );
    expect(drifted.length).toBeGreaterThan(0);
    expect(drifted.every((x) => x.status === 'failed' && x.labels?.fault === 'schema_drift')).toBe(true);
    const rollbackAt = fleet.now();
    fleet.updateDefinition(p.id, { version: p.version });
    const after = fleet.pipeline(p.id);
    expect(after.versions.at(-1)).toMatchObject({
      version: p.version + 2,
      source: 'restore',
      restored_from: p.version,
    });
    expect(after.definition).toEqual(p.definition);
    expect(fleet.episodes().find((e) => e.fault_id === episode.fault_id)?.end).toBe(rollbackAt);
    const fixed = finalExecutions(
      fleet
        .advanceTo(fleet.now() + HOUR)
        .events.filter((e) => e.pipeline_id === p.id && (e.event_time ?? 0) > rollbackAt + 20 * MIN),
    );
    expect(fixed.length).toBeGreaterThan(0);
    expect(
      fixed.every((x) => x.labels?.fault === null && !/validate_schema/.test(x.error_message ?? '')),
    ).toBe(true);
  });

  it('putting back the previous definition content also ends the drift', () => {
    const fleet = fleetAt();
    const p = fleet.pipelines()[0];
    const episode = fleet.injectFault(p.id, 'schema_drift');
    fleet.advanceTo(fleet.now() + 10 * MIN);
    const previous = fleet.pipeline(p.id).versions.at(-2);
    fleet.updateDefinition(p.id, { definition: previous?.definition });
    expect(fleet.episodes().find((e) => e.fault_id === episode.fault_id)?.end).toBe(fleet.now());
  });

  it('a stage marked skipped is skipped, unmarked it runs again', () => {
    const fleet = fleetAt();
    const p = fleet.pipelines()[0];
    const stage = p.stages.at(-1);
    fleet.updateDefinition(p.id, { skip_stages: [stage?.name ?? ''] });
    expect(fleet.pipeline(p.id).stages.at(-1)?.skip).toBe(true);
    const skipped = finalStages(fleet.advanceTo(fleet.now() + HOUR).events).filter(
      (s) => s.stage_id === stage?.id,
    );
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.every((s) => s.status === 'skipped' && s.duration_seconds === 0)).toBe(true);
    fleet.updateDefinition(p.id, { unskip_stages: [stage?.id ?? ''] });
    const ran = finalStages(
      fleet.advanceTo(fleet.now() + HOUR).events.filter((e) => e.event_time > fleet.now() - 40 * MIN),
    ).filter((s) => s.stage_id === stage?.id);
    expect(ran.some((s) => s.status === 'completed')).toBe(true);
  });

  it('keeps every definition version and refuses bad updates without changing anything', () => {
    const fleet = fleetAt();
    const p = fleet.pipelines()[2];
    expect(() => fleet.updateDefinition(p.id, { skip_stages: ['no_such_stage'] })).toThrow(ValidationError);
    expect(() => fleet.updateDefinition(p.id, { version: 99 })).toThrow(
      expect.objectContaining({ field: 'version' }),
    );
    expect(() => fleet.updateDefinition(p.id, { definition: { stages: [{ name: 'ghost' }] } })).toThrow(
      expect.objectContaining({ field: 'definition.stages.0.name' }),
    );
    expect(() => fleet.updateDefinition(p.id, { definition: {}, version: p.version - 1 || 99 })).toThrow(
      AppError,
    );
    expect(fleet.pipeline(p.id).versions).toEqual(p.versions);
    expect(fleet.updateDefinition(p.id, { timeout_seconds: p.timeout_seconds }).message).toMatch(/unchanged/);
    expect(() => fleet.pipeline('nope')).toThrow(NotFoundError);
    expect(() => fleet.stop('nope')).toThrow(NotFoundError);
  });

  it('never emits events later than the time advanced to, controls included', () => {
    const fleet = fleetAt();
    const [a, b] = fleet.pipelines();
    fleet.pause(fleet.execute(a.id).execution_id);
    fleet.deactivate(b.id);
    const now = fleet.now();
    const r = fleet.advanceTo(now);
    expect(r.events.length).toBeGreaterThan(0);
    expect(r.events.every((e) => e.event_time <= now)).toBe(true);
  });
});
