import type { Worker } from 'node:worker_threads';
import { toError } from '../../shared/index.js';
import type { CopyBatch } from '../events/sql/insert-batch.js';
import { SqlStateError } from '../sql/sql-error.js';
import type { EventsWorkerInit, EventsWorkerReply, EventsWorkerRequest } from './events-protocol.js';
import { ownBuffer, startWorker } from './start-worker.js';

type Pending = { resolve(value: number): void; reject(error: Error): void };

/** The main thread's side of the flush worker: started on the first batch, restarted if it dies. */
export interface EventsWorkerClient {
  insertEvents(journalId: string, batch: CopyBatch): Promise<number>;
  close(): Promise<void>;
}

/** Sends flush batches to a worker thread with its own connection (see events-worker.ts). */
export function eventsWorkerClient(init: EventsWorkerInit): EventsWorkerClient {
  let worker: Worker | null = null;
  const pending = new Map<number, Pending>();
  let nextId = 1;

  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  const start = (): Worker => {
    const w = startWorker(import.meta.url, 'events-worker', init);
    w.on('message', (reply: EventsWorkerReply) => {
      const p = pending.get(reply.id);
      if (p === undefined) return;
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
      if (reply.ok) p.resolve(reply.value);
      else p.reject(new SqlStateError(reply.message, reply.code));
    });
    w.on('error', (err) => failAll(toError(err)));
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      failAll(new Error(`PostgreSQL flush worker exited (code ${code})`));
    });
    return w;
  };
  // Idle between flushes, the worker must not keep the process alive on its own; while a request
  // is out, it must (the caller awaits the answer).
  const call = (w: Worker, request: EventsWorkerRequest, transfer: ArrayBuffer[]): Promise<number> =>
    new Promise((resolve, reject) => {
      if (pending.size === 0) w.ref();
      pending.set(request.id, { resolve, reject });
      w.postMessage(request, transfer);
    });

  return {
    insertEvents: (journalId, batch) => {
      const copy = ownBuffer(batch.copy);
      const w = (worker ??= start());
      return call(w, { id: nextId++, op: 'insertEvents', journalId, batch: { ...batch, copy } }, [
        copy.buffer,
      ]);
    },
    close: async () => {
      const w = worker;
      if (w === null) return;
      worker = null;
      try {
        await call(w, { id: nextId++, op: 'close' }, []);
      } finally {
        await w.terminate();
      }
    },
  };
}
