import { describe, expect, it } from 'vitest';
import { execution, log, stage } from '../monitoring/testing.js';
import type { PipelineSnapshot } from '../monitoring/index.js';
import type { PipelineVersion, RootCauseRow, RootCauseStore } from '../ports/index.js';
import { FakeClock } from '../shared/index.js';
import { RootCauseService } from './root-cause-service.js';

const HOUR = 3_600_000;

class MemoryRootCauseStore implements RootCauseStore {
  rows: RootCauseRow[] = [];
  asked: Parameters<RootCauseStore['countStageFailures']>[0][] = [];
  async save(rows: readonly RootCauseRow[]) {
    this.rows.push(...rows);
  }
  async get(executionId: string) {
    return this.rows.find((r) => r.execution_id === executionId) ?? null;
  }
  async countStageFailures(
    q: RootCauseStore extends { countStageFailures(q: infer Q): unknown } ? Q : never,
  ) {
    this.asked.push(q);
    return 5;
  }
}

function version(v: number, firstSeenAt: number): PipelineVersion {
  return {
    pipeline_id: 'p1',
    version: v,
    definition: {},
    schedule_cron: null,
    timeout_seconds: null,
    first_seen_at: firstSeenAt,
  };
}

describe('RootCauseService', () => {
  it('explains a failed run with its stage history and the version change just before it', async () => {
    const clock = new FakeClock(100 * HOUR);
    const store = new MemoryRootCauseStore();
    const service = new RootCauseService({
      store,
      clock,
      snapshot: () => undefined,
      // Newest first: v3 two hours before the failure, v2 two days before, v1 the first one seen.
      versions: async () => [version(3, 98 * HOUR), version(2, 52 * HOUR), version(1, 10 * HOUR)],
      settleMs: 1000,
    });
    const at = clock.now();
    const ids = { pipeline_id: 'p1', execution_id: 'run-1', event_time: at };
    service.onAccepted([
      {
        event: stage({
          ...ids,
          stage_id: 's1',
          stage_name: 'transform',
          status: 'failed',
          error_message: "KeyError: 'customer_id'",
        }),
        decision: 'new',
      },
      {
        event: log({ ...ids, level: 'ERROR', message: 'config key transform.mapping missing' }),
        decision: 'new',
      },
      { event: execution({ ...ids, status: 'failed' }), decision: 'new' },
    ]);
    clock.advance(1000);
    expect(await service.tick()).toBe(1);
    const [row] = store.rows;
    expect(row).toMatchObject({
      execution_id: 'run-1',
      pipeline_id: 'p1',
      failed_at: at,
      analyzed_at: at + 1000,
    });
    expect(store.asked).toEqual([
      {
        pipelineId: 'p1',
        stageName: 'transform',
        sinceMs: at - 7 * 24 * HOUR,
        untilMs: at,
        excludeExecutionId: 'run-1',
      },
    ]);
    const text = [
      ...(row.result.evidence as string[]),
      ...(row.result.contributing_factors as string[]),
    ].join('\n');
    expect(row.result.failing_stage).toBe('transform');
    expect(text).toContain('pipeline version 3');
    expect(text).not.toContain('pipeline version 2');
    expect(text).toContain('failed 5 times in the last 7 days');
  });

  it('forgets runs that end well and analyses nothing twice', async () => {
    const clock = new FakeClock(0);
    const store = new MemoryRootCauseStore();
    const service = new RootCauseService({ store, clock, snapshot: () => undefined });
    const ids = { pipeline_id: 'p1', execution_id: 'ok-1' };
    service.onAccepted([
      { event: log({ ...ids, level: 'ERROR', message: 'retrying after timeout' }), decision: 'new' },
      { event: execution({ ...ids, status: 'completed' }), decision: 'new' },
    ]);
    expect(await service.flush()).toBe(0);
    service.onAccepted([
      { event: execution({ pipeline_id: 'p1', execution_id: 'bad-1', status: 'failed' }), decision: 'new' },
    ]);
    expect(await service.flush()).toBe(1);
    expect(await service.flush()).toBe(0);
  });
});

describe('RootCauseService metrics at the time', () => {
  it('uses the live snapshot only for a failure inside its window', async () => {
    const clock = new FakeClock(10 * HOUR);
    const store = new MemoryRootCauseStore();
    const snap = {
      window_minutes: 60,
      metrics: { avg_cpu_percent: 97, avg_memory_percent: 20 },
      signals: { latency_spike_detected: true, dominant_error_patterns: [] },
    } as unknown as PipelineSnapshot;
    const service = new RootCauseService({ store, clock, snapshot: () => snap });
    const failed = (id: string, at: number) =>
      service.onAccepted([
        {
          event: execution({ pipeline_id: 'p1', execution_id: id, status: 'failed', event_time: at }),
          decision: 'new',
        },
      ]);
    failed('recent', clock.now() - 60_000);
    failed('replayed', clock.now() - 3 * HOUR);
    await service.flush();
    const byId = Object.fromEntries(store.rows.map((r) => [r.execution_id, r.result]));
    expect(byId.recent.primary_cause).toBe('resource_bottleneck');
    expect(byId.replayed.primary_cause).toBe('unknown');
    expect(byId.replayed.contributing_factors).not.toContain('latency spike at the time of the failure');
  });
});
