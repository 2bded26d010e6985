import { Worker } from 'node:worker_threads';
import { toError } from '../../shared/index.js';
import type { ClosableSqlClient, CopySqlClient } from '../postgres/client.js';
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
  const worker = startWorker({ dataDir: options.dataDir });
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

  const over = (tx: number | null, depth: number): CopySqlClient => {
    const self: CopySqlClient = {
      query: async <R extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []) => ({
        rows: (await call({ op: 'query', sql, params, tx })) as R[],
      }),
      exec: async (sql) => {
        await call({ op: 'exec', sql, tx });
      },
      copyBinary: async (target, data) => {
        // Moving the bytes to the worker costs nothing when `data` owns its whole buffer
        // (encodeEventsCopy's do); a view into a larger buffer is copied first.
        const own =
          data.byteOffset === 0 &&
          data.byteLength === data.buffer.byteLength &&
          data.buffer instanceof ArrayBuffer
            ? data
            : data.slice();
        return (await call({ op: 'copy', target, data: own, tx }, [own.buffer as ArrayBuffer])) as number;
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

/**
 * From source (tsx, vitest) the worker is a .ts file, which a bare worker thread cannot load, so
 * the worker first registers tsx; from dist it is plain JavaScript.
 */
function startWorker(workerData: WorkerInit): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here), { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
