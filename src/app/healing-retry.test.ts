/**
 * retry_stage attempts in the loop, with a fake clock and in-memory stores: backoff between
 * attempts, the ladder only after the last one, a signature a retry cannot fix, the kill switch
 * during the backoff, a restart mid-backoff, and an audit record for every attempt.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { Guards, attemptKey, parseRunbook } from '../healing/index.js';
import type { DominantErrorPattern, PipelineSnapshot } from '../monitoring/index.js';
import type {
  ActionExecutor,
  ActionRequest,
  ActionRow,
  ApprovalRow,
  AuditEntry,
  OutcomeLabelRow,
  PipelineGuardRecord,
} from '../ports/index.js';
import { execution } from '../monitoring/testing.js';
import { FakeClock } from '../shared/index.js';
import type { AcceptedEvent } from './ingest-service.js';
import { HealingService } from './healing-service.js';
import type { HealingStores } from './healing-stores.js';

const page = <T>(items: T[]) => ({ items, total: items.length });

/** The healing stores in memory, shared by the service processes of a test (a restart keeps them). */
function memoryStores() {
  const actions = new Map<string, ActionRow>();
  const audit: AuditEntry[] = [];
  const guardState = new Map<string, PipelineGuardRecord>();
  const stores: HealingStores = {
    actions: {
      claim: async (row) => {
        const old = [...actions.values()].find((r) => r.idempotency_key === row.idempotency_key);
        if (old !== undefined) return { inserted: false, row: old };
        actions.set(row.id, structuredClone(row));
        return { inserted: true, row };
      },
      transition: async (id, from, patch, now) => {
        const row = actions.get(id);
        if (row === undefined || !from.includes(row.status)) return null;
        const after = { ...row, ...patch, updated_at: now };
        actions.set(id, after);
        return structuredClone(after);
      },
      get: async (id) => actions.get(id) ?? null,
      list: async () => page([...actions.values()]),
      withStatus: async (statuses) => [...actions.values()].filter((r) => statuses.includes(r.status)),
    },
    approvals: {
      create: async () => undefined,
      get: async () => null,
      decide: async () => null,
      expire: async (): Promise<ApprovalRow[]> => [],
      list: async () => page<ApprovalRow>([]),
    },
    audit: {
      append: async (entries) => void audit.push(...entries),
      list: async () => page(audit),
      prune: async () => 0,
    },
    outcomes: {
      add: async () => undefined,
      list: async () => page<OutcomeLabelRow>([]),
    },
    settings: {
      load: async () => ({ kill_switch: null, runbook_overrides: {} }),
      save: async () => undefined,
    },
    leases: { acquire: async () => true, release: async () => undefined },
    guardState: {
      load: async () => [...guardState.values()],
      loadOne: async (id) => guardState.get(id) ?? null,
      save: async ({ saved, cleared }) => {
        for (const r of saved) guardState.set(r.pipeline_id, structuredClone(r));
        for (const id of cleared) guardState.delete(id);
      },
    },
    incidents: { save: async () => undefined, openIncidents: async () => [] },
  };
  return { stores, actions, audit };
}

/** A failing pipeline's live window, its dominant error patterns as given. */
function failingSnapshot(patterns: DominantErrorPattern[]): PipelineSnapshot {
  const zeroTrend = { change_percent: 0 };
  return {
    pipeline_id: 'p1',
    window_minutes: 60,
    sampled_events: 10,
    metrics: {
      failure_rate: 1,
      failed_runs: 10,
      retry_frequency: 0,
      retries: 0,
      previous_window: { failure_rate: 0, retry_frequency: 0 },
      avg_duration_seconds: 60,
      p95_duration_seconds: 80,
      duration_trend: zeroTrend,
      avg_latency_ms: 100,
      avg_throughput_per_minute: 500,
      avg_cpu_percent: 40,
      avg_memory_percent: 50,
      avg_data_volume_mb: 10,
      stage_failure_counts: {},
    },
    signals: {
      latency_spike_detected: false,
      latency: { robust_z: 0 },
      throughput_drop_detected: false,
      throughput: zeroTrend,
      dominant_error_patterns: patterns,
    },
    health: { score: 0.1, status: 'critical' },
    generated_at: new Date(0).toISOString(),
  } as unknown as PipelineSnapshot;
}

const runbook = (maxAttempts: number) =>
  parseRunbook(
    {
      name: 'retry-on-failure',
      priority: 100,
      mode: 'live',
      when: { field: 'snapshot.failure_rate', op: '>=', value: 0.5 },
      actions: [
        {
          action: 'retry_stage',
          params: { max_attempts: maxAttempts, backoff: { base_ms: 1000, max_ms: 60_000, jitter: 'none' } },
        },
      ],
    },
    'retry-on-failure',
  );

const timeout: DominantErrorPattern = { pattern: 'read timed out', count: 5, share: 1, signature: 'timeout' };
const schema: DominantErrorPattern = {
  pattern: 'column x missing',
  count: 9,
  share: 0.9,
  signature: 'schema_mismatch',
};

let clock: FakeClock;
let mem: ReturnType<typeof memoryStores>;
let calls: { at: number; request: ActionRequest }[];
let patterns: DominantErrorPattern[];
let runNo: number;
/** Ids unique across the processes of a test. */
let ids = 0;

const executor: ActionExecutor = {
  name: 'fake',
  supports: () => true,
  execute: async (request) => {
    calls.push({ at: clock.now(), request });
    return {
      ok: true,
      executor: 'fake',
      status_code: 202,
      response_excerpt: null,
      attempts: 1,
      error: null,
      request: null,
    };
  },
};

/** A service process on the test's stores (a new one after a "restart"). */
async function startProcess(maxAttempts = 3): Promise<{ service: HealingService; guards: Guards }> {
  const guards = new Guards({ cooldownMs: 0 });
  const service = new HealingService({
    runbooks: [runbook(maxAttempts)],
    guards,
    executors: [executor],
    stores: mem.stores,
    catalog: {
      getPipeline: async () => null,
      listVersions: async () => [],
      previousVersion: async () => null,
    },
    snapshot: () => failingSnapshot(patterns),
    pipelines: () => ['p1'],
    clock,
    newId: () => `id-${++ids}`,
    owner: 'test',
    random: () => 0.5,
    onError: (err) => {
      throw err;
    },
  });
  await service.start();
  return { service, guards };
}

/** A run of p1 that started 5 s ago and ends now with `status`. */
function run(service: HealingService, status: 'failed' | 'completed'): void {
  const now = clock.now();
  const event = execution({
    key: `run-${++runNo}`,
    execution_id: `run-${runNo}`,
    status,
    event_time: now,
    received_at: now,
    started_at: now - 5000,
    completed_at: now,
    duration_seconds: 5,
  });
  service.onAccepted([{ event } as unknown as AcceptedEvent]);
}

/** Advances the clock, lets a run of the pipeline end with `status`, and lets the loop judge it. */
async function runEnds(service: HealingService, status: 'failed' | 'completed'): Promise<void> {
  clock.advance(10_000);
  run(service, status);
  await service.flush();
}

const rows = () => [...mem.actions.values()].sort((a, b) => a.created_at - b.created_at);
const retryCalls = () => calls.filter((c) => c.request.action === 'retry_stage');

beforeEach(() => {
  clock = new FakeClock(Date.UTC(2026, 0, 1));
  mem = memoryStores();
  calls = [];
  patterns = [timeout];
  runNo = 0;
});

describe('retry_stage attempts in the loop (fake clock)', () => {
  it('fails twice, then succeeds on the 3rd attempt: 3 calls at the backoff delays, the ladder not climbed', async () => {
    const { service } = await startProcess(3);
    await service.tick();
    expect(retryCalls()).toHaveLength(1);
    await runEnds(service, 'failed');
    const failedAt1 = clock.now();
    // Due after base_ms (jitter none): not a moment earlier.
    clock.advance(999);
    await service.tick();
    expect(retryCalls()).toHaveLength(1);
    clock.advance(1);
    await service.tick();
    expect(retryCalls().map((c) => c.at)).toEqual([failedAt1 - 10_000, failedAt1 + 1000]);
    await runEnds(service, 'failed');
    const failedAt2 = clock.now();
    clock.advance(1999);
    await service.tick();
    expect(retryCalls()).toHaveLength(2);
    clock.advance(1);
    await service.tick();
    // Attempt 3 waits base_ms · 2 after attempt 2 failed.
    expect(retryCalls().map((c) => c.at)).toEqual([failedAt1 - 10_000, failedAt1 + 1000, failedAt2 + 2000]);
    await runEnds(service, 'completed');
    clock.advance(60_000);
    await service.tick();
    // Three calls, all retry_stage; nothing further up the ladder.
    expect(calls.map((c) => c.request.action)).toEqual(['retry_stage', 'retry_stage', 'retry_stage']);
    const all = rows();
    expect(
      all.map((r) => [r.status, (r.decided?.retry as { attempt: number } | undefined)?.attempt]),
    ).toEqual([
      ['failed', undefined],
      ['failed', 2],
      ['succeeded', 3],
    ]);
    // Each attempt has its own key, derived from the first one and its number.
    const first = all[0].idempotency_key;
    expect(all.map((r) => r.idempotency_key)).toEqual([first, attemptKey(first, 2), attemptKey(first, 3)]);
    expect(calls.map((c) => c.request.idempotency_key)).toEqual(all.map((r) => r.idempotency_key));
    // Every attempt audited: planned (decision), guarded (decision), executed, verified.
    for (const r of all) {
      const mine = mem.audit.filter((e) => e.action_id === r.id).map((e) => e.kind);
      expect(mine).toContain('decision');
      expect(mine).toContain('execution');
      expect(mine).toContain('verification');
    }
    expect(service.pendingRetries()).toBe(0);
  });

  it('after max_attempts failed attempts the ladder moves up to the next rung', async () => {
    const { service } = await startProcess(2);
    await service.tick();
    await runEnds(service, 'failed');
    clock.advance(1000);
    await service.tick();
    expect(retryCalls()).toHaveLength(2);
    await runEnds(service, 'failed');
    const next = calls.slice(2);
    expect(next).toHaveLength(1);
    expect(next[0].request.action).not.toBe('retry_stage');
    const climbed = rows().find((r) => r.action === next[0].request.action);
    expect(climbed?.decided?.replaces).toBe('retry_stage');
    // The first failure scheduled attempt 2; the second said why no attempt follows.
    const verdicts = mem.audit.filter((e) => e.kind === 'verification').map((e) => e.detail.retry);
    expect(verdicts).toEqual([
      { next: expect.objectContaining({ attempt: 2, max_attempts: 2, delay_ms: 1000 }) },
      { stopped: 'attempt 2 of 2 was the last' },
    ]);
  });

  it('a signature a retry cannot fix, appearing after the first attempt, stops further retries', async () => {
    const { service } = await startProcess(3);
    await service.tick();
    patterns = [schema, timeout];
    await runEnds(service, 'failed');
    clock.advance(60_000);
    await service.tick();
    expect(retryCalls()).toHaveLength(1);
    expect(rows().filter((r) => r.action === 'retry_stage')).toHaveLength(1);
    const verdict = mem.audit.find((e) => e.kind === 'verification');
    expect(verdict?.detail.retry).toEqual({ stopped: 'schema_mismatch errors: a retry will not fix them' });
    // The ladder moved on at once instead.
    expect(calls.length).toBeGreaterThan(1);
    expect(calls[1].request.action).not.toBe('retry_stage');
  });

  it('a signature a retry cannot fix, appearing during the backoff, ends the pending attempt', async () => {
    const { service } = await startProcess(3);
    await service.tick();
    await runEnds(service, 'failed');
    patterns = [schema];
    clock.advance(1000);
    await service.tick();
    expect(retryCalls()).toHaveLength(1);
    const attempt = rows().find((r) => r.decided?.retry !== undefined);
    expect(attempt).toMatchObject({ status: 'rejected' });
    expect(attempt?.reason).toMatch(/schema_mismatch/);
  });

  it('the kill switch turned on during the backoff: no further call, the attempt audited as not taken', async () => {
    const { service, guards } = await startProcess(3);
    await service.tick();
    await runEnds(service, 'failed');
    guards.setKillSwitch(true);
    clock.advance(5000);
    await service.tick();
    expect(calls).toHaveLength(1);
    const attempt = rows().find((r) => r.decided?.retry !== undefined);
    expect(attempt).toMatchObject({ status: 'rejected' });
    expect(attempt?.reason).toMatch(/kill_switch/);
    const audited = mem.audit.filter((e) => e.action_id === attempt?.id && e.kind === 'decision');
    expect(audited.map((e) => e.status)).toEqual(['planned', 'rejected']);
    clock.advance(60_000);
    await service.tick();
    expect(calls).toHaveLength(1);
  });

  it('a restart mid-backoff neither loses nor duplicates the pending attempt', async () => {
    const first = await startProcess(3);
    await first.service.tick();
    await runEnds(first.service, 'failed');
    await first.service.stop();
    // The next process starts before the attempt is due, on the same stores.
    const second = await startProcess(3);
    expect(second.service.pendingRetries()).toBe(1);
    expect(rows().find((r) => r.decided?.retry !== undefined)?.status).toBe('planned');
    clock.advance(1000);
    await second.service.tick();
    await second.service.tick();
    expect(retryCalls()).toHaveLength(2);
    // A third process started after it ran finds nothing to resume, and cannot run the attempt again.
    const third = await startProcess(3);
    expect(third.service.pendingRetries()).toBe(0);
    clock.advance(1000);
    await third.service.tick();
    expect(retryCalls()).toHaveLength(2);
  });

  it('an attempt cut off mid-call by a restart is escalated, not scheduled again', async () => {
    const first = await startProcess(3);
    await first.service.tick();
    await runEnds(first.service, 'failed');
    await first.service.stop();
    const attempt = rows().find((r) => r.decided?.retry !== undefined);
    // The process had taken the attempt (planned → executing) when it stopped.
    await mem.stores.actions.transition(attempt?.id ?? '', ['planned'], { status: 'executing' }, clock.now());
    const second = await startProcess(3);
    expect(second.service.pendingRetries()).toBe(0);
    expect(mem.actions.get(attempt?.id ?? '')?.status).toBe('escalated');
    clock.advance(5000);
    await second.service.tick();
    expect(retryCalls()).toHaveLength(1);
  });
});
