/**
 * Worker thread that writes flush batches to a PostgreSQL server over a connection of its own.
 * A flush is several round trips (BEGIN, checkpoint lock, COPY, checkpoint, COMMIT); here none of
 * them waits for the main thread's event loop, which under ingest load may be busy for many ms.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toError } from '../../shared/index.js';
import { sqlStateOf } from '../sql/sql-error.js';
import { openPostgresClient } from './client.js';
import type { EventsWorkerInit, EventsWorkerReply, EventsWorkerRequest } from './events-protocol.js';

const port = parentPort;
if (port === null) throw new Error('events worker must run in a worker thread');
const init = workerData as EventsWorkerInit;
// One connection: flushes run one at a time. Errors of an idle connection are retried by the
// next flush (the pool replaces the connection), so they need no report of their own here.
const db = openPostgresClient({
  connectionString: init.connectionString,
  poolSize: 1,
  connectTimeoutMs: init.connectTimeoutMs,
  eventsInWorker: false,
  onIdleError: () => undefined,
});

port.on('message', (request: EventsWorkerRequest) => {
  const work =
    request.op === 'insertEvents'
      ? db.insertEvents(request.journalId, request.batch)
      : db.close().then(() => 0);
  work.then(
    (value) => reply({ id: request.id, ok: true, value }),
    (err: unknown) => {
      const error = toError(err);
      const code = sqlStateOf(error) ?? (error as { code?: unknown }).code;
      reply({
        id: request.id,
        ok: false,
        message: error.message,
        code: typeof code === 'string' ? code : undefined,
      });
    },
  );
});

function reply(message: EventsWorkerReply): void {
  port?.postMessage(message);
}
