import { describe, expect, it } from 'vitest';
import type {
  EncodedPredictionRow,
  EncodedPredictionRows,
  InsightRow,
  InsightStore,
  PredictionRow,
  PredictionStore,
  RunOutcome,
  RunStart,
} from '../ports/index.js';
import { AppError } from '../shared/index.js';
import { PredictionWriter } from './prediction-writer.js';

/** A write as the store saw it, its rows read back at the end of the write (as late as allowed). */
type Batch = {
  rows: PredictionRow[];
  starts: readonly RunStart[];
  outcomes: readonly RunOutcome[];
};
type Handed = Omit<Batch, 'rows'> & { rows: EncodedPredictionRows };

const row = (id: string): PredictionRow => ({
  id,
  kind: 'request',
  pipeline_id: null,
  execution_id: null,
  model_version: null,
  model_type: 'heuristic',
  shadow: false,
  failure_probability: 0.5,
  features: {},
  stage_risks: [],
  top_risk_factors: [],
  duration_model_version: null,
  duration_forecast: null,
  timeout_seconds: null,
  predicted_at: 0,
  planned_at: null,
  outcome: null,
  outcome_at: null,
  actual_duration_seconds: null,
});
const rows = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => row(`${prefix}${i}`));
const start: RunStart = { pipeline_id: 'p', execution_id: 'e1', from: 0, to: 1 };
const outcome: RunOutcome = {
  pipeline_id: 'p',
  execution_id: 'e1',
  failed: true,
  completed_at: 1,
  duration_seconds: 1,
};

/** A store that records each write and, when `hold` is set, finishes a write only when released. */
function fakeStores(opts: { hold?: boolean; failFirst?: boolean } = {}) {
  const log: string[] = [];
  const batches: Batch[] = [];
  const waiting: (() => void)[] = [];
  let failNext = opts.failFirst === true;
  let encoded = 0;
  const predictions = {
    encode: (r: PredictionRow) => {
      encoded++;
      return JSON.stringify(r) as EncodedPredictionRow;
    },
    write: async (b: Handed) => {
      if (opts.hold) await new Promise<void>((r) => waiting.push(r));
      if (failNext) {
        failNext = false;
        throw new Error('disk full');
      }
      const rows = JSON.parse(`[${b.rows.joined(0, b.rows.count)}]`) as PredictionRow[];
      batches.push({ ...b, rows });
      log.push(`write ${rows.length} rows, ${b.starts.length} starts, ${b.outcomes.length} outcomes`);
    },
  } as unknown as PredictionStore;
  const insights = {
    upsert: async (r: readonly InsightRow[]) => {
      log.push(`insights ${r.length}`);
    },
  } as unknown as InsightStore;
  /** Lets the writer reach its next write, then finishes the one waiting. */
  const release = async () => {
    await settle();
    waiting.shift()?.();
    await settle();
  };
  return { predictions, insights, batches, log, release, encoded: () => encoded };
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};
const ids = (batches: readonly Batch[]) => batches.flatMap((b) => b.rows.map((r) => r.id));

describe('PredictionWriter', () => {
  it('writes in batches of batchSize, in arrival order, starts and outcomes with the last batch, insights after', async () => {
    const s = fakeStores();
    const errors: Error[] = [];
    const w = new PredictionWriter(s.predictions, s.insights, (e) => errors.push(e), {
      batchSize: 200,
    });
    w.addStart(start);
    w.addRows(rows('a', 150));
    w.addRows(rows('b', 30));
    w.addOutcome(outcome);
    w.addInsight({ id: 'i1' } as InsightRow);
    w.addRows(rows('c', 10));
    await w.flush();
    expect(s.log).toEqual(['write 190 rows, 1 starts, 1 outcomes', 'insights 1']);
    s.log.length = 0;
    s.batches.length = 0;

    // 450 more rows: the 200th starts a flush by itself, which writes them as 200 + 200 + 50.
    for (let i = 0; i < 9; i++) w.addRows(rows(`d${i}-`, 50));
    w.addOutcome(outcome);
    await w.flush();
    expect(s.log).toEqual([
      'write 200 rows, 0 starts, 0 outcomes',
      'write 200 rows, 0 starts, 0 outcomes',
      'write 50 rows, 0 starts, 1 outcomes',
    ]);
    expect(ids(s.batches)).toEqual(
      Array.from({ length: 9 }, (_, i) => rows(`d${i}-`, 50).map((r) => r.id)).flat(),
    );
    expect(w.counts()).toEqual({ pending: 0, written: 640, dropped: 0, failed: 0 });
    expect(errors).toEqual([]);
  });

  it('starts a write once batchSize rows are buffered, without a flush', async () => {
    const s = fakeStores();
    const w = new PredictionWriter(s.predictions, s.insights, () => undefined, { batchSize: 10 });
    w.addRows(rows('a', 9));
    await new Promise((r) => setImmediate(r));
    expect(s.batches).toHaveLength(0);
    w.addRows(rows('b', 1));
    await new Promise((r) => setImmediate(r));
    expect(ids(s.batches)).toHaveLength(10);
  });

  it('loses nothing across a flush: rows added during a write go into the next, and flush waits for all before it', async () => {
    const s = fakeStores({ hold: true });
    const w = new PredictionWriter(s.predictions, s.insights, () => undefined, { batchSize: 100 });
    w.addRows(rows('a', 3));
    const first = w.flush();
    await settle(); // the write of a0..a2 is under way
    w.addRows(rows('b', 2)); // arrives while the first write is in flight
    expect(w.counts().pending).toBe(5);
    let secondDone = false;
    const second = w.flush().then(() => (secondDone = true));
    await s.release();
    await first;
    expect(ids(s.batches)).toEqual(['a0', 'a1', 'a2']);
    expect(secondDone).toBe(false);
    // The first write's buffer now takes the next rows while the second write is in flight.
    w.addRows(rows('c', 4));
    await s.release();
    await second;
    expect(ids(s.batches)).toEqual(['a0', 'a1', 'a2', 'b0', 'b1']);
    const third = w.flush();
    await s.release();
    await third;
    expect(ids(s.batches)).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'c0', 'c1', 'c2', 'c3']);
    expect(w.counts()).toEqual({ pending: 0, written: 9, dropped: 0, failed: 0 });
  });

  it('drops a whole prediction past capacity, counts it and reports it once at the next flush', async () => {
    const s = fakeStores({ hold: true });
    const errors: Error[] = [];
    const w = new PredictionWriter(s.predictions, s.insights, (e) => errors.push(e), {
      batchSize: 100,
      capacity: 5,
    });
    w.addRows(rows('a', 2));
    w.addRows(rows('b', 2));
    w.addRows(rows('c', 2)); // 4 pending + 2 > 5: dropped, both rows
    w.addRows(rows('d', 1)); // fits
    expect(w.counts()).toMatchObject({ pending: 5, dropped: 2 });
    const flushed = w.flush();
    // Rows being written still count against the bound.
    w.addRows(rows('e', 1));
    expect(w.counts()).toMatchObject({ pending: 5, dropped: 3 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(AppError);
    expect((errors[0] as AppError).code).toBe('OVERLOADED');
    expect(errors[0].message).toMatch(/^2 prediction rows not recorded/);
    await s.release();
    await flushed;
    expect(ids(s.batches)).toEqual(['a0', 'a1', 'b0', 'b1', 'd0']);
    // Room again once written.
    w.addRows(rows('f', 2));
    const next = w.flush();
    expect(errors.map((e) => e.message.split(':')[0])).toEqual([
      '2 prediction rows not recorded',
      '1 prediction rows not recorded',
    ]);
    await s.release();
    await next;
    expect(ids(s.batches).slice(-2)).toEqual(['f0', 'f1']);
    expect(w.counts()).toEqual({ pending: 0, written: 7, dropped: 3, failed: 0 });
  });

  it('encodes a row when it is added (a later change is not written), and never a dropped row', async () => {
    const s = fakeStores();
    const w = new PredictionWriter(s.predictions, s.insights, () => undefined, { capacity: 2 });
    const r = row('a');
    w.addRows([r]);
    expect(s.encoded()).toBe(1);
    r.failure_probability = 0.9;
    w.addRows(rows('b', 2)); // past capacity: dropped
    expect(s.encoded()).toBe(1);
    await w.flush();
    expect(s.batches.flatMap((b) => b.rows)).toEqual([{ ...row('a'), failure_probability: 0.5 }]);
  });

  it('reports and counts a failed write and goes on with the next batch', async () => {
    const s = fakeStores({ failFirst: true });
    const errors: Error[] = [];
    const w = new PredictionWriter(s.predictions, s.insights, (e) => errors.push(e), { batchSize: 2 });
    w.addRows(rows('a', 1));
    w.addRows(rows('b', 1)); // a full batch: written (and failing) at once
    w.addRows(rows('c', 1));
    await w.flush();
    expect(errors.map((e) => e.message)).toEqual(['disk full']);
    expect(ids(s.batches)).toEqual(['c0']);
    expect(w.counts()).toEqual({ pending: 0, written: 1, dropped: 0, failed: 2 });
  });
});
