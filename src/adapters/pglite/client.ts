import { toError } from '../../shared/index.js';
import type { SqlClient } from '../../ports/index.js';
import type { ClosableSqlClient } from '../postgres/client.js';
import { ownBuffer, startWorker } from '../postgres/start-worker.js';
import { withSavepoint } from '../sql/savepoint.js';
import { SqlStateError } from '../sql/sql-error.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './protocol.js';

export interface PgliteClientOptions {
  /** Folder of the database files (created and initialised on first use); null keeps it in memory. */
  dataDir: string | null;
}

type Pending = { resolve(value: unknown): void; reject(error: Error): void };
type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

/**
 * Opens PGlite in a worker thread behind the SqlClient port. Resolves once the database is open
 * (first open of a new folder runs initdb: several seconds). Keeps the process alive until closed.
 */
export async function openPgliteClient(options: PgliteClientOptions): Promise<ClosableSqlClient> {
  const worker = startWorker(import.meta.url, 'worker', { dataDir: options.dataDir } satisfies WorkerInit);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let failure: Error | null = null;

  const failAll = (error: Error) => {
    failure ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', (reply: WorkerReply) => {
    const p = pending.get(reply.id);
    if (p === undefined) return;
    pending.delete(reply.id);
    if (reply.ok) p.resolve(reply.value);
    else p.reject(new SqlStateError(reply.error.message, reply.error.code, reply.error.detail));
  });
  worker.on('error', (err) => failAll(toError(err)));
  worker.on('exit', (code) => failAll(new Error(`PGlite worker exited (code ${code})`)));

  const call = (body: RequestBody, transfer: ArrayBuffer[] = []): Promise<unknown> => {
    if (failure !== null) return Promise.reject(failure);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...body, id } as WorkerRequest, transfer);
    });
  };

  await new Promise<unknown>((resolve, reject) => pending.set(0, { resolve, reject })).catch(
    async (err: unknown) => {
      await worker.terminate();
      throw err;
    },
  );

  const over = (tx: number | null, depth: number): SqlClient => {
    const self: SqlClient = {
      query: async <R extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []) => ({
        rows: (await call({ op: 'query', sql, params, tx })) as R[],
      }),
      exec: async (sql) => {
        await call({ op: 'exec', sql, tx });
      },
      transaction: async (fn) => {
        if (tx !== null) return withSavepoint(self, depth + 1, () => fn(over(tx, depth + 1)));
        const id = (await call({ op: 'begin' })) as number;
        let result;
        try {
          result = await fn(over(id, 0));
        } catch (err) {
          await call({ op: 'end', tx: id, commit: false }).catch(() => undefined);
          throw err;
        }
        await call({ op: 'end', tx: id, commit: true });
        return result;
      },
    };
    return self;
  };

  let closing: Promise<void> | null = null;
  return {
    ...over(null, 0),
    insertEvents: async (journalId, batch) => {
      const copy = ownBuffer(batch.copy);
      const body = { op: 'insertEvents' as const, journalId, batch: { ...batch, copy } };
      return (await call(body, [copy.buffer])) as number;
    },
    close: () =>
      (closing ??= (async () => {
        try {
          if (failure === null) await call({ op: 'close' });
        } finally {
          await worker.terminate();
        }
      })()),
  };
}
