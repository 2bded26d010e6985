import { describe, expect, it } from 'vitest';
import type {
  AiInsightWrite,
  IncidentAlertState,
  InsightOutcome,
  PendingInsight,
  WriteBackLedger,
  WriteBackTarget,
} from '../ports/index.js';
import { FakeClock } from '../shared/index.js';
import { WriteBackService } from './write-back-service.js';

const T = Date.parse('2026-03-01T12:00:00Z');

/** An in-memory ledger of `n` pending insights of pipeline `p` and a target that knows `p`. */
function world(n: number) {
  const pending: PendingInsight[] = Array.from({ length: n }, (_, i) => ({
    id: `i${i}`,
    insight_type: 'anomaly',
    source: 'anomaly',
    source_id: `a${i}`,
    pipeline_id: 'p',
    execution_id: null,
    severity: 'low',
    title: 't',
    description: 'd',
    recommendation: null,
    confidence: 0.5,
    metadata: {},
    created_at: T,
    stamp: '1',
    dismissed: false,
  }));
  const written: AiInsightWrite[] = [];
  const log: string[] = [];
  let down = false;
  const ledger: WriteBackLedger = {
    pendingInsights: async (limit) => pending.slice(0, limit),
    markInsights: async (outcomes: readonly InsightOutcome[]) => {
      const done = new Set(outcomes.map((o) => o.id));
      pending.splice(0, pending.length, ...pending.filter((p) => !done.has(p.id)));
    },
    incidentsWithoutAlert: async () => [],
    resolvedWithOpenAlert: async () => [],
    markAlerts: async (_s: readonly IncidentAlertState[]) => undefined,
    writtenInsights: async () => [],
    dismiss: async () => undefined,
  };
  const target: WriteBackTarget = {
    existingPipelines: async (ids) => new Set(ids.filter((id) => id === 'p')),
    existingExecutions: async () => new Set(),
    writeInsights: async (rows) => {
      log.push(`write ${rows.length}`);
      await Promise.resolve();
      if (down) throw new Error('ECONNREFUSED');
      written.push(...rows);
      return [];
    },
    openAlerts: async () => [],
    resolveAlerts: async () => undefined,
    dismissedInsights: async () => new Set(),
    dismissInsights: async () => undefined,
  };
  return { ledger, target, pending, written, log, setDown: (d: boolean) => (down = d) };
}

describe('WriteBackService', () => {
  it('writes in batches up to the per-pass limit, the rest on the next pass', async () => {
    const w = world(25);
    const wb = new WriteBackService({ ...w, clock: new FakeClock(T), batchSize: 10, maxBatchesPerPass: 2 });
    expect(await wb.tick()).toMatchObject({ insights: 20 });
    expect(w.log).toEqual(['write 10', 'write 10']);
    expect(await wb.tick()).toMatchObject({ insights: 5 });
    expect(w.written).toHaveLength(25);
  });

  it('runs one pass at a time; ticks during a pass queue one more, which later ticks join', async () => {
    const w = world(3);
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const read = w.ledger.pendingInsights;
    let first = true;
    w.ledger.pendingInsights = async (limit) => {
      if (first) {
        first = false;
        started();
        await gate;
      }
      return read(limit);
    };
    const wb = new WriteBackService({ ...w, clock: new FakeClock(T) });
    const a = wb.tick();
    await running;
    const b = wb.tick();
    const c = wb.tick();
    expect(c).toBe(b);
    release();
    expect(await a).toMatchObject({ insights: 3 });
    expect(await b).toMatchObject({ insights: 0 });
    expect(wb.stats().passes).toBe(2);
    expect(w.written).toHaveLength(3);
  });

  it('never throws: a failed pass is counted, reported once per pass, and its rows stay pending', async () => {
    const w = world(2);
    const errors: number[] = [];
    const wb = new WriteBackService({ ...w, clock: new FakeClock(T), onError: (_e, n) => errors.push(n) });
    w.setDown(true);
    expect(await wb.tick()).toBeNull();
    expect(await wb.flush()).toBeNull();
    expect(errors).toEqual([1, 2]);
    expect(w.pending).toHaveLength(2);
    expect(wb.stats()).toMatchObject({ failed_passes: 2, last_error: 'ECONNREFUSED', last_success_at: null });
    w.setDown(false);
    expect(await wb.tick()).toMatchObject({ insights: 2 });
    expect(wb.stats()).toMatchObject({ consecutive_failures: 0, last_success_at: new Date(T).toISOString() });
  });
});
