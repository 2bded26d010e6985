/**
 * Worker thread that owns one PGlite instance. PGlite runs Postgres in WASM on the thread that
 * calls it; here its inserts and scans cost the HTTP event loop nothing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { toError } from '../../shared/index.js';
import { insertEventBatch, type CopyTransaction } from '../events/sql/insert-batch.js';
import { sqlStateOf } from '../sql/sql-error.js';
import type { WireError, WorkerInit, WorkerReply, WorkerRequest } from './protocol.js';

interface OpenTransaction {
  tx: Transaction;
  finish(commit: boolean): void;
  settled: Promise<void>;
}

const port = parentPort;
if (port === null) throw new Error('pglite worker must run in a worker thread');
const init = workerData as WorkerInit;

/** Thrown inside the transaction callback to make PGlite roll back. */
const ROLLBACK = Symbol('rollback');

const transactions = new Map<number, OpenTransaction>();
let nextTx = 1;

try {
  const db = await PGlite.create(init.dataDir === null ? {} : { dataDir: init.dataDir });
  port.on('message', (request: WorkerRequest) => {
    handle(db, request).then(
      (value) => reply({ id: request.id, ok: true, value }),
      (err: unknown) => reply({ id: request.id, ok: false, error: toWire(err) }),
    );
  });
  reply({ id: 0, ok: true, value: 'ready' });
} catch (err) {
  reply({ id: 0, ok: false, error: toWire(err) });
}

async function handle(db: PGlite, request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'query': {
      const target = request.tx === null ? db : transaction(request.tx).tx;
      const result = await target.query(request.sql, [...request.params]);
      return result.rows;
    }
    case 'exec': {
      const target = request.tx === null ? db : transaction(request.tx).tx;
      await target.exec(request.sql);
      return null;
    }
    case 'insertEvents':
      // The whole flush in one message: its statements never wait for the main thread's event loop.
      return db.transaction((tx) => insertEventBatch(copyTransaction(tx), request.journalId, request.batch));
    case 'begin':
      return begin(db);
    case 'end': {
      const open = transaction(request.tx);
      transactions.delete(request.tx);
      open.finish(request.commit);
      await open.settled;
      return null;
    }
    case 'close':
      await db.close();
      return null;
  }
}

function copyTransaction(tx: Transaction): CopyTransaction {
  return {
    query: async <R extends Record<string, unknown>>(sql: string, params: unknown[]) => ({
      rows: (await tx.query<R>(sql, params)).rows,
    }),
    copyBinary: async (target, data) => {
      const result = await tx.query(`COPY ${target} FROM '/dev/blob' (FORMAT binary)`, [], {
        blob: new Blob([data]),
      });
      return result.affectedRows ?? 0;
    },
  };
}

/** Starts a transaction whose callback stays open until an `end` message arrives. */
function begin(db: PGlite): Promise<number> {
  const id = nextTx++;
  return new Promise<number>((resolveBegin, rejectBegin) => {
    let finish: (commit: boolean) => void = () => undefined;
    const decided = new Promise<boolean>((resolve) => (finish = resolve));
    let started = false;
    const settled = db
      .transaction(async (tx) => {
        started = true;
        transactions.set(id, { tx, finish, settled });
        resolveBegin(id);
        if (!(await decided)) throw ROLLBACK;
      })
      .then(
        () => undefined,
        (err: unknown) => {
          if (err === ROLLBACK) return;
          if (!started) rejectBegin(err);
          throw err;
        },
      );
    // A failed BEGIN is reported through rejectBegin; keep the rejection from going unhandled.
    settled.catch(() => undefined);
  });
}

function transaction(id: number): OpenTransaction {
  const open = transactions.get(id);
  if (open === undefined) throw new Error(`no open transaction ${id}`);
  return open;
}

function toWire(err: unknown): WireError {
  const error = toError(err);
  const detail = (error as { detail?: unknown }).detail;
  return {
    message: error.message,
    code: sqlStateOf(error),
    detail: typeof detail === 'string' ? detail : undefined,
  };
}

function reply(message: WorkerReply): void {
  port?.postMessage(message);
}
