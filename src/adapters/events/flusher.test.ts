import { describe, expect, it } from 'vitest';
import { metric } from '../../../test/helpers/events.js';
import { Flusher, type FlusherHooks } from './flusher.js';
import { PendingQueue, type PendingBatch } from './pending-queue.js';
import { serializeEvent } from './serialize.js';
import { insertEventBatch, toCopyBatch } from './sql/insert-batch.js';

/**
 * A database that runs inserts one at a time in the order sent (as PGlite's worker does), each
 * through the real insertEventBatch in a transaction that commits only if it does not throw. Each
 * insert waits until the test lets it run; `failNext` makes the next ones fail before committing.
 */
class OrderedDb {
  checkpoint = 0;
  /** Sequence numbers in the database, in insertion order. */
  readonly rows: number[] = [];
  /** afterSeq and lastSeq of every insert sent, in order. */
  readonly sent: { afterSeq: number; lastSeq: number }[] = [];
  failNext = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly gates: (() => void)[] = [];

  readonly insert = (batch: PendingBatch, afterSeq: number): Promise<void> => {
    this.sent.push({ afterSeq, lastSeq: batch.lastSeq });
    const copy = toCopyBatch(batch, afterSeq);
    const allowed = new Promise<void>((resolve) => this.gates.push(resolve));
    const run = this.chain.then(async () => {
      await allowed;
      if (this.failNext > 0) {
        this.failNext--;
        throw new Error('connection lost (injected)');
      }
      let checkpoint = this.checkpoint;
      const inserted = await insertEventBatch(
        {
          query: async <R extends Record<string, unknown>>(sql: string, params: unknown[]) => {
            if (sql.includes('FOR UPDATE')) return { rows: [{ seq: checkpoint }] as unknown as R[] };
            checkpoint = Math.max(checkpoint, params[1] as number);
            return { rows: [] as R[] };
          },
          copyBinary: async () => 0,
        },
        'j',
        copy,
      );
      // Commit: the rows past the old checkpoint and the new checkpoint, together.
      for (let seq = copy.lastSeq - inserted + 1; seq <= copy.lastSeq; seq++) this.rows.push(seq);
      this.checkpoint = checkpoint;
    });
    this.chain = run.catch(() => undefined);
    return run;
  };

  /** Lets every insert sent so far run. */
  release(): void {
    for (const open of this.gates.splice(0)) open();
  }
}

const hooks = (db: OrderedDb, failures: Error[] = []): FlusherHooks => ({
  insert: db.insert,
  afterInsert: async () => undefined,
  onFailure: (error) => failures.push(error),
  onRecovered: () => undefined,
});

/** Queues events 1..n in groups of `group`. */
function queueOf(n: number, group: number): PendingQueue {
  const q = new PendingQueue();
  for (let first = 1; first <= n; first += group) {
    const events = Array.from({ length: Math.min(group, n - first + 1) }, (_, i) => metric(first + i, 0));
    q.push(first, events.map(serializeEvent), events, 0);
  }
  return q;
}

const options = { batchEvents: 2, intervalMs: 1, retryBaseMs: 1, retryMaxMs: 1 };
const ticks = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Lets the database answer until `flusher` has flushed up to `seq`, then stops it. */
async function drain(flusher: Flusher, db: OrderedDb, seq: number): Promise<void> {
  const done = flusher.flushed(false);
  while (flusher.flushedSeq < seq) {
    db.release();
    await ticks();
  }
  await done;
  await flusher.stop();
}

describe('Flusher with several inserts in flight', () => {
  it('sends the next batch before the previous one is answered, each after the one before it', async () => {
    const db = new OrderedDb();
    const queue = queueOf(6, 3);
    const flusher = new Flusher(queue, { ...options, inFlight: 2 }, hooks(db), 0);
    flusher.start();
    await ticks();
    expect(db.sent).toEqual([
      { afterSeq: 0, lastSeq: 2 },
      { afterSeq: 2, lastSeq: 4 },
    ]);
    await drain(flusher, db, 6);
    expect(db.rows).toEqual([1, 2, 3, 4, 5, 6]);
    expect(db.checkpoint).toBe(6);
    expect(queue.count).toBe(0);
  });

  it('never moves the checkpoint past a batch that failed: the one behind it is refused and both are sent again', async () => {
    const db = new OrderedDb();
    const failures: Error[] = [];
    const queue = queueOf(6, 6);
    const flusher = new Flusher(queue, { ...options, inFlight: 3 }, hooks(db, failures), 0);
    flusher.start();
    await ticks();
    expect(db.sent.length).toBe(3);
    db.failNext = 1;
    db.release();
    await ticks();
    // The first failed; the two behind it found the checkpoint short of their predecessor.
    expect(db.rows).toEqual([]);
    expect(db.checkpoint).toBe(0);
    expect(flusher.flushedSeq).toBe(0);
    expect(failures.map((e) => e.message)).toEqual(['connection lost (injected)']);
    await drain(flusher, db, 6);
    expect(db.rows).toEqual([1, 2, 3, 4, 5, 6]);
    expect(db.sent.slice(3, 4)).toEqual([{ afterSeq: 0, lastSeq: 2 }]);
    expect(queue.count).toBe(0);
  });

  it('waits for the batches in flight when stopped and counts them', async () => {
    const db = new OrderedDb();
    const queue = queueOf(4, 4);
    const flusher = new Flusher(queue, { ...options, inFlight: 2 }, hooks(db), 0);
    flusher.start();
    await ticks();
    const stopping = flusher.stop();
    db.release();
    await stopping;
    expect(flusher.flushedSeq).toBe(4);
    expect(db.rows).toEqual([1, 2, 3, 4]);
    expect(queue.count).toBe(0);
  });

  it('retries an insert that throws before returning its promise instead of ending the loop', async () => {
    const db = new OrderedDb();
    const failures: Error[] = [];
    const queue = queueOf(4, 4);
    let calls = 0;
    const flusher = new Flusher(
      queue,
      { ...options, inFlight: 2 },
      {
        ...hooks(db, failures),
        insert: (batch, afterSeq) => {
          if (++calls === 1) throw new Error('flush worker could not start (injected)');
          return db.insert(batch, afterSeq);
        },
      },
      0,
    );
    flusher.start();
    const done = flusher.flushed(false);
    for (let i = 0; i < 100 && flusher.flushedSeq < 4; i++) {
      db.release();
      await ticks();
    }
    expect(flusher.flushedSeq).toBe(4);
    await done;
    await flusher.stop();
    expect(failures.map((e) => e.message)).toEqual(['flush worker could not start (injected)']);
    expect(db.rows).toEqual([1, 2, 3, 4]);
    expect(queue.count).toBe(0);
  });
});
