/** A SqlClient wrapper that fails or stalls on demand, to play a database that is down or slow. */
import type { SqlClient } from '../../src/ports/index.js';

export interface Faults {
  /** While true every call rejects as a refused connection would. */
  failing: boolean;
  /** While set, event inserts wait for it to resolve (a database that has fallen behind). */
  stall: Promise<void> | null;
}

export type FaultySql = SqlClient & Faults;

/** Wraps `inner`; faults are off until a test turns them on. */
export function faultySql(inner: SqlClient): FaultySql {
  const faults: Faults = { failing: false, stall: null };
  return Object.assign(faults, wrap(inner, faults));
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
  if (faults.stall !== null && sql.includes('INSERT INTO flexiroaster_ai.events')) await faults.stall;
}
