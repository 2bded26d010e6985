/** A SqlClient wrapper that fails or stalls on demand, to play a database that is down or slow. */
import type { SqlClient } from '../../src/ports/index.js';
import type { CopyBatch, EventsSqlClient } from '../../src/adapters/events/sql/insert-batch.js';

export interface Faults {
  /** While true every call rejects as a refused connection would. */
  failing: boolean;
  /** While set, event inserts wait for it to resolve (a database that has fallen behind). */
  stall: Promise<void> | null;
}

export type FaultySql = EventsSqlClient & Faults;

/** Wraps `inner`; faults are off until a test turns them on. */
export function faultySql(inner: EventsSqlClient): FaultySql {
  const faults: Faults = { failing: false, stall: null };
  return Object.assign(faults, wrap(inner, faults), {
    insertEvents: async (journalId: string, batch: CopyBatch) => {
      await gate(faults, 'INSERT INTO flexiroaster_ai.events');
      return inner.insertEvents(journalId, batch);
    },
  });
}

function wrap(inner: SqlClient, faults: Faults): SqlClient {
  return {
    query: async (sql, params) => {
      await gate(faults, sql);
      return inner.query(sql, params);
    },
    exec: async (sql) => {
      await gate(faults, sql);
      return inner.exec(sql);
    },
    transaction: async (fn) => {
      await gate(faults, '');
      return inner.transaction((tx) => fn(wrap(tx, faults)));
    },
  };
}

async function gate(faults: Faults, sql: string): Promise<void> {
  if (faults.failing) {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432 (injected)'), {
      code: 'ECONNREFUSED',
    });
  }
  const insertsEvents =
    sql.includes('INSERT INTO flexiroaster_ai.events') || sql.includes('COPY flexiroaster_ai.events');
  if (faults.stall !== null && insertsEvents) await faults.stall;
}
