import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SqlActionStore,
  SqlApprovalStore,
  SqlAuditStore,
  SqlGuardStateStore,
  SqlHealingSettingsStore,
  SqlOutcomeLabelStore,
  SqlPipelineLeaseStore,
} from '../../src/adapters/index.js';
import { Guards } from '../../src/healing/index.js';
import type { ActionRow, AuditEntry, PipelineGuardRecord, SqlClient } from '../../src/ports/index.js';
import { storeBackends, type BackendEnv } from '../helpers/store-backends.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const MIN = 60_000;
const page = { limit: 50, offset: 0 };

const action = (over: Partial<ActionRow> = {}): ActionRow => ({
  id: 'a1',
  idempotency_key: 'p1:retry_stage:anomaly-1',
  pipeline_id: 'p1',
  execution_id: 'e1',
  stage_id: null,
  action: 'retry_stage',
  params: { max_attempts: 3 },
  runbook: 'failure-rate',
  status: 'planned',
  reason: null,
  trigger_kind: 'anomaly',
  trigger_id: 'anomaly-1',
  executor: null,
  attempts: 0,
  result: null,
  verification: null,
  decided: { decision_key: 'd1', risk: 'low' },
  created_at: T0,
  updated_at: T0,
  ...over,
});

const audit = (id: string, at: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  id,
  at,
  kind: 'decision',
  pipeline_id: 'p1',
  action_id: 'a1',
  action: 'retry_stage',
  status: 'planned',
  runbook: 'failure-rate',
  detail: { guards: [{ guard: 'cooldown', ok: true }], inputs: { failure_rate: 0.5 } },
  ...over,
});

for (const backend of await storeBackends('healing_store')) {
  describe.skipIf(backend.skip !== null)(`healing stores on ${backend.name}`, () => {
    let env: BackendEnv;
    let sql: SqlClient;
    beforeAll(async () => {
      env = await backend.setup();
      sql = await env.sql();
    });
    afterAll(async () => {
      await env?.teardown();
    });

    it('claims an idempotency key once, whatever the store instance', async () => {
      const first = await new SqlActionStore(sql).claim(action());
      expect(first).toEqual({ inserted: true, row: action() });
      // A second process (or the same one after a restart) makes the same decision again.
      const again = await new SqlActionStore(sql).claim(action({ id: 'a1-bis', status: 'planned' }));
      expect(again.inserted).toBe(false);
      expect(again.row.id).toBe('a1');
    });

    it('moves an action through its statuses only from the expected ones', async () => {
      const store = new SqlActionStore(sql);
      const executing = await store.transition('a1', ['planned'], { status: 'executing' }, T0 + 1000);
      expect(executing).toMatchObject({ status: 'executing', updated_at: T0 + 1000 });
      expect(await store.transition('a1', ['planned'], { status: 'executing' }, T0 + 2000)).toBeNull();
      const result = {
        ok: true,
        executor: 'flexiroaster',
        status_code: 202,
        response_excerpt: '{"success":true}',
        attempts: 2,
        error: null,
        request: { method: 'POST', url: 'http://o/api/executions/p1/execute', body: null },
      };
      const done = await store.transition(
        'a1',
        ['executing'],
        { status: 'verifying', executor: 'flexiroaster', attempts: 2, result, reason: 'executed' },
        T0 + 3000,
      );
      expect(done).toMatchObject({ status: 'verifying', attempts: 2, result, executor: 'flexiroaster' });
      expect(await store.withStatus(['verifying'])).toHaveLength(1);
      await store.transition(
        'a1',
        ['verifying'],
        { status: 'succeeded', verification: { runs: 2 } },
        T0 + 4000,
      );
      expect(await store.get('a1')).toMatchObject({ status: 'succeeded', verification: { runs: 2 } });
      expect(await store.withStatus(['verifying'])).toEqual([]);
    });

    it('lists actions newest first with the filters', async () => {
      const store = new SqlActionStore(sql);
      await store.claim(
        action({
          id: 'a2',
          idempotency_key: 'k2',
          pipeline_id: 'p2',
          action: 'pause_pipeline',
          created_at: T0 + MIN,
        }),
      );
      await store.claim(
        action({
          id: 'a3',
          idempotency_key: 'k3',
          pipeline_id: 'p2',
          status: 'dry_run',
          created_at: T0 + 2 * MIN,
        }),
      );
      const all = await store.list(page);
      expect(all.total).toBe(3);
      expect(all.items.map((a) => a.id)).toEqual(['a3', 'a2', 'a1']);
      expect((await store.list({ ...page, pipeline_id: 'p2' })).total).toBe(2);
      expect((await store.list({ ...page, action: 'pause_pipeline' })).items.map((a) => a.id)).toEqual([
        'a2',
      ]);
      expect((await store.list({ ...page, status: 'dry_run' })).items.map((a) => a.id)).toEqual(['a3']);
      expect(
        (await store.list({ ...page, since: T0 + MIN, until: T0 + 2 * MIN })).items.map((a) => a.id),
      ).toEqual(['a2']);
      expect((await store.list({ limit: 1, offset: 1 })).items.map((a) => a.id)).toEqual(['a2']);
    });

    it('decides an approval once and only before it expires', async () => {
      const store = new SqlApprovalStore(sql);
      const base = {
        action_id: 'a2',
        pipeline_id: 'p2',
        action: 'pause_pipeline',
        status: 'pending' as const,
        reason: 'risky',
        requested_at: T0,
        expires_at: T0 + 30 * MIN,
        decided_at: null,
        decided_by: null,
      };
      await store.create({ id: 'ap1', ...base });
      await store.create({ id: 'ap2', ...base, action_id: 'a3', requested_at: T0 + MIN });
      expect(await store.decide('ap1', 'approved', 'ops-key', T0 + 31 * MIN)).toBeNull();
      const approved = await store.decide('ap1', 'approved', 'ops-key', T0 + 5 * MIN);
      expect(approved).toMatchObject({ status: 'approved', decided_by: 'ops-key', decided_at: T0 + 5 * MIN });
      expect(await store.decide('ap1', 'rejected', null, T0 + 6 * MIN)).toBeNull();
      const expired = await store.expire(T0 + 31 * MIN);
      expect(expired.map((a) => [a.id, a.status])).toEqual([['ap2', 'expired']]);
      expect(await store.decide('ap2', 'approved', null, T0 + 32 * MIN)).toBeNull();
      expect((await store.list({ ...page, status: 'expired' })).items.map((a) => a.id)).toEqual(['ap2']);
      expect((await store.get('ap1'))?.status).toBe('approved');
    });

    it('appends audit records, refuses changes, prunes by age', async () => {
      const store = new SqlAuditStore(sql);
      await store.append([audit('r1', T0), audit('r2', T0, { kind: 'execution', status: 'failed' })]);
      await store.append([audit('r3', T0 + 10 * MIN, { pipeline_id: 'p2', action: 'pause_pipeline' })]);
      const all = await store.list(page);
      expect(all.items.map((e) => e.id)).toEqual(['r3', 'r2', 'r1']);
      expect(all.items[2]).toEqual(audit('r1', T0));
      expect((await store.list({ ...page, status: 'failed' })).items.map((e) => e.id)).toEqual(['r2']);
      expect((await store.list({ ...page, pipeline_id: 'p2' })).total).toBe(1);
      await expect(sql.query(`UPDATE flexiroaster_ai.healing_audit SET status = 'x'`)).rejects.toThrow(
        /append-only/,
      );
      expect(await store.prune(T0 + MIN)).toBe(2);
      expect((await store.list(page)).items.map((e) => e.id)).toEqual(['r3']);
    });

    it('keeps one outcome label per action', async () => {
      const store = new SqlOutcomeLabelStore(sql);
      const label = {
        id: 'o1',
        action_id: 'a1',
        trigger_kind: 'anomaly' as const,
        trigger_id: 'anomaly-1',
        pipeline_id: 'p1',
        execution_id: 'e1',
        action: 'retry_stage',
        label: 'fixed' as const,
        created_at: T0,
      };
      await store.add(label);
      await store.add({ ...label, id: 'o2', label: 'not_fixed' });
      expect(await store.list(page)).toEqual({ items: [label], total: 1 });
    });

    it('saves and loads the operator settings', async () => {
      const store = new SqlHealingSettingsStore(sql);
      expect(await store.load()).toEqual({ kill_switch: null, runbook_overrides: {} });
      await store.save({ kill_switch: true, runbook_overrides: { 'scale-on-latency': false } });
      await store.save({ kill_switch: false, runbook_overrides: { 'scale-on-latency': false, other: true } });
      expect(await store.load()).toEqual({
        kill_switch: false,
        runbook_overrides: { 'scale-on-latency': false, other: true },
      });
    });

    it('keeps the guard state: records written, read back by a new instance, cleared rows deleted', async () => {
      const record = (id: string, over: Partial<PipelineGuardRecord> = {}): PipelineGuardRecord => ({
        pipeline_id: id,
        keys: [
          { key: `${id}:k1`, at: T0, expires_at: null },
          { key: `${id}:k2`, at: T0 + 1, expires_at: T0 + 60 * MIN },
        ],
        actions: [T0, T0 + MIN],
        last_decision: 'd1',
        last_acted_at: T0 + MIN,
        failures: 2,
        breaker_opened_at: T0 + MIN,
        trial_decision: null,
        last_healthy: false,
        flips: [T0],
        remediating: [{ key: `${id}:k1`, since: T0 + MIN }],
        ...over,
      });
      const store = new SqlGuardStateStore(sql);
      expect(await store.load()).toEqual([]);
      await store.save({ saved: [], cleared: [] });
      await store.save({ saved: [record('p1'), record('p2', { remediating: [] })], cleared: [] });
      await store.save({ saved: [record('p1', { failures: 3 })], cleared: ['p2', 'never-saved'] });
      expect(await new SqlGuardStateStore(sql).load()).toEqual([record('p1', { failures: 3 })]);
      expect(await store.loadOne('p1')).toEqual(record('p1', { failures: 3 }));
      expect(await store.loadOne('p2')).toBeNull();
      // A row that is not a record (written by something else) is skipped, not trusted.
      await sql.query(
        `INSERT INTO flexiroaster_ai.healing_guard_state (pipeline_id, state) VALUES ('junk', '{"actions": "x"}')`,
      );
      expect((await store.load()).map((r) => r.pipeline_id)).toEqual(['p1']);
      // Expired entries go: restarted a day later, p1 has nothing left to guard but its breaker.
      const later = T0 + 25 * 60 * MIN;
      const guards = new Guards({ breakerCoolMs: 48 * 60 * MIN });
      guards.restore(await store.load(), later);
      await store.save(guards.changes(later));
      expect(await store.load()).toEqual([
        record('p1', { keys: [], actions: [], flips: [], remediating: [], failures: 3 }),
      ]);
      expect(guards.breakerState('p1', later)).toBe('open');
      // Once a fix succeeds there is nothing left at all: the row is deleted.
      guards.recordOutcome('p1', 'success', later);
      await store.save(guards.changes(later));
      expect(await store.load()).toEqual([]);
      await sql.query(`DELETE FROM flexiroaster_ai.healing_guard_state`);
    });

    it('leases a pipeline to one owner until released or lapsed', async () => {
      const store = new SqlPipelineLeaseStore(sql);
      expect(await store.acquire('p1', 'A', T0, MIN)).toBe(true);
      expect(await store.acquire('p1', 'B', T0 + 1000, MIN)).toBe(false);
      expect(await store.acquire('p1', 'A', T0 + 2000, MIN)).toBe(true);
      expect(await store.acquire('p1', 'B', T0 + MIN, MIN)).toBe(false);
      expect(await store.acquire('p1', 'B', T0 + 2000 + MIN, MIN)).toBe(true);
      await store.release('p1', 'A');
      expect(await store.acquire('p1', 'A', T0 + 3000 + MIN, MIN)).toBe(false);
      await store.release('p1', 'B');
      expect(await store.acquire('p1', 'A', T0 + 3000 + MIN, MIN)).toBe(true);
    });
  });
}
