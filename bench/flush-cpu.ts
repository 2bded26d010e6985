/**
 * The database side of a flush alone: CPU per 1,000 events that `insertEvents` (the checkpoint lock,
 * one binary COPY into `flexiroaster_ai.events`, the checkpoint update, commit) costs the database,
 * with nothing else running in the process. For PGlite the database is this process's worker threads
 * (the WASM Postgres); for PostgreSQL it is the server backend of the one connection used. Batches are
 * the bench records (bench/ingest-records.ts) decoded and encoded as the service does, built before
 * each pass so that only the inserts are timed.
 *
 *   npx tsx bench/flush-cpu.ts [--backend pglite|postgres] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
 *     [--rows 2000] [--batches 25] [--passes 4]
 *
 * PGlite gets a fresh on-disk data folder (in-memory PGlite is not what the service runs), PostgreSQL
 * a fresh database; both are removed at the end.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate, type ClosableSqlClient } from '../src/adapters/index.js';
import { openPgliteClient, openPostgresClient, serializeEvent } from '../src/adapters/internal.js';
import { encodeEventsCopy } from '../src/adapters/events/copy-binary.js';
import type { EventsSqlClient } from '../src/adapters/events/sql/insert-batch.js';
import { decodeEvent } from '../src/ingest/index.js';
import { ingestRecord } from './ingest-records.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : String(process.argv[i + 1]);
};
const backend = arg('backend', 'pglite');
if (backend !== 'pglite' && backend !== 'postgres')
  throw new Error(`--backend pglite|postgres, not ${backend}`);
const adminUrl = arg('postgres', 'postgres://postgres@127.0.0.1:5432/postgres');
const rows = Number(arg('rows', '2000'));
const batches = Number(arg('batches', '25'));
const passes = Number(arg('passes', '4'));

/** utime + stime in ms of the given /proc stat files (fields 14 and 15, 100 ticks per second). */
function cpuMs(statFiles: string[]): number {
  let ticks = 0;
  for (const file of statFiles) {
    const fields = readFileSync(file, 'utf8').split(') ')[1].split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10;
}

let sql: ClosableSqlClient & EventsSqlClient;
let databaseStats: () => Promise<string[]>;
let cleanup: () => Promise<void>;
if (backend === 'pglite') {
  const dir = mkdtempSync(join(tmpdir(), 'flexiroaster-flush-cpu-'));
  sql = (await openPgliteClient({ dataDir: dir })) as ClosableSqlClient & EventsSqlClient;
  const main = String(process.pid);
  databaseStats = async () =>
    readdirSync(`/proc/${process.pid}/task`)
      .filter((tid) => tid !== main)
      .map((tid) => `/proc/${process.pid}/task/${tid}/stat`);
  cleanup = async () => rmSync(dir, { recursive: true, force: true });
} else {
  const name = `flush_cpu_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // One connection, inserts on it (not in the worker), so its backend is the whole database side.
  sql = openPostgresClient({
    connectionString: url.toString(),
    poolSize: 1,
    eventsInWorker: false,
  }) as ClosableSqlClient & EventsSqlClient;
  databaseStats = async () => {
    const { rows: pid } = await sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return [`/proc/${pid[0].pid}/stat`];
  };
  cleanup = async () => {
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  };
}
await migrate(sql);

let n = 0;
const ctx = { receivedAt: Date.now(), newId: () => `${randomUUID()}-${n++}` };
function copyBatch(first: number): Uint8Array {
  const events = Array.from({ length: rows }, (_, i) => decodeEvent(ingestRecord(first + i), ctx));
  return encodeEventsCopy(events, events.map(serializeEvent));
}

console.log(
  `${new Date().toISOString().slice(11, 16)} UTC, load ${loadavg()[0].toFixed(2)}; ${backend}, ` +
    `${passes} passes of ${batches} batches × ${rows} rows`,
);
let seq = 0;
for (let pass = 0; pass < passes; pass++) {
  const copies = Array.from({ length: batches }, (_, b) => copyBatch(b * rows));
  const stats = await databaseStats();
  const cpu0 = cpuMs(stats);
  const wall0 = performance.now();
  for (const copy of copies) {
    await sql.insertEvents('flush-cpu', { lastSeq: seq + rows, afterSeq: seq, rows, copy });
    seq += rows;
  }
  const perThousand = 1000 / (batches * rows);
  if ((await databaseStats()).join() !== stats.join())
    throw new Error('the database connection changed mid-pass');
  console.log(
    `pass ${pass}: database ${((cpuMs(stats) - cpu0) * perThousand).toFixed(1)} ms CPU per 1,000 events, ` +
      `wall ${((performance.now() - wall0) * perThousand).toFixed(1)} ms per 1,000`,
  );
}
await sql.close();
await cleanup();
console.log(`load ${loadavg()[0].toFixed(2)}`);
