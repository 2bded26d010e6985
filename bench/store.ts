/**
 * Event store benchmark: append throughput through the EventStore (1,000-event appends from 4
 * producers; many concurrent single-event appends) and the journal → database flush rate, on PGlite
 * and on the server PostgreSQL. Each run gets a fresh data folder (and, for the server, database).
 *
 *   npx tsx bench/store.ts [--backend both|pglite|postgres] [--events 200000] [--single 40000]
 *                          [--concurrency 256] [--flush-events 100000]
 *
 * PostgreSQL: 127.0.0.1:5432 as user postgres (PGHOST/PGUSER override). Prints one markdown table;
 * results go in docs/BENCHMARKS.md, "Store and journal".
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  JournaledEventStore,
  migrate,
  openStore,
  type ClosableSqlClient,
  type OpenStoreOptions,
} from '../src/adapters/index.js';
import { openPgliteClient, openPostgresClient } from '../src/adapters/internal.js';
import type { TelemetryEvent } from '../src/domain/index.js';
import { StoreUnavailableError } from '../src/shared/index.js';
import { execution, metric, T0 } from '../test/helpers/events.js';
import { faultySql } from '../test/helpers/faulty-sql.js';
import { createTestDatabase, postgresUnavailable } from '../test/helpers/pg.js';
import { freshDataDir } from '../test/helpers/pglite.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : String(process.argv[i + 1]);
};
const backendArg = arg('backend', 'both');
const batchedEvents = Number(arg('events', '200000'));
const singleEvents = Number(arg('single', '40000'));
const concurrency = Number(arg('concurrency', '256'));
const flushEvents = Number(arg('flush-events', '100000'));

/** One execution record for every four metric samples, each event a new key (about 330 bytes mean). */
function event(i: number): TelemetryEvent {
  const pipeline = `bench-${i % 200}`;
  if (i % 5 === 0) {
    return {
      ...execution(`r${i}`, i % 20 === 0 ? 'failed' : 'completed', T0 + i, pipeline),
      duration_seconds: 30 + (i % 50),
      throughput_per_minute: 100 + (i % 13),
      latency_ms: 200 + (i % 17),
      cpu_percent: 40 + (i % 30),
      memory_percent: 50 + (i % 20),
      error_message: i % 20 === 0 ? `timeout after ${i % 90}s` : null,
    };
  }
  return { ...metric(i, T0 + i, T0 + i, pipeline), execution_id: `r${i - (i % 5)}` };
}

interface Row {
  backend: string;
  scenario: string;
  events: number;
  seconds: number;
  rate: string;
  note: string;
}
const rows: Row[] = [];
const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')}/s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Appends, waiting and retrying when the store answers 503 (as an HTTP client honouring Retry-After would). */
async function appendRetrying(store: JournaledEventStore, events: TelemetryEvent[], refusals: { n: number }) {
  for (;;) {
    try {
      return await store.append(events);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      refusals.n++;
      await sleep(5);
    }
  }
}

async function batched(backend: string, options: OpenStoreOptions): Promise<void> {
  const store = await openStore(options);
  const batches = Array.from({ length: batchedEvents / 1000 }, (_, b) =>
    Array.from({ length: 1000 }, (_, i) => event(b * 1000 + i)),
  );
  const refusals = { n: 0 };
  let next = 0;
  const elu = performance.eventLoopUtilization();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < batches.length) await appendRetrying(store.events, batches[next++], refusals);
    }),
  );
  const acked = (performance.now() - start) / 1000;
  await store.events.flush();
  const inDb = (performance.now() - start) / 1000;
  const util = performance.eventLoopUtilization(elu).utilization;
  const stats = store.events.stats();
  rows.push({
    backend,
    scenario: '1,000-event appends, 4 producers: acknowledged (durable in journal)',
    events: batchedEvents,
    seconds: acked,
    rate: rate(batchedEvents, acked),
    note: `${refusals.n} refusals (503) while the database lagged; ${stats.journalGroups} journal writes; main-thread busy ${(util * 100).toFixed(0)}%`,
  });
  rows.push({
    backend,
    scenario: '… same run, until all in the database',
    events: batchedEvents,
    seconds: inDb,
    rate: rate(batchedEvents, inDb),
    note: `${stats.flushBatches} inserts`,
  });
  await store.close();
}

async function single(backend: string, options: OpenStoreOptions): Promise<void> {
  const store = await openStore(options);
  const events = Array.from({ length: singleEvents }, (_, i) => event(i));
  const refusals = { n: 0 };
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < events.length) await appendRetrying(store.events, [events[next++]], refusals);
    }),
  );
  const secs = (performance.now() - start) / 1000;
  const stats = store.events.stats();
  rows.push({
    backend,
    scenario: `single-event appends, ${concurrency} concurrent callers`,
    events: singleEvents,
    seconds: secs,
    rate: rate(singleEvents, secs),
    note: `${stats.journalGroups} journal writes (${(singleEvents / stats.journalGroups).toFixed(1)} events per fdatasync); ${refusals.n} refusals`,
  });
  await store.close();
}

/** Appends with inserts held back, then times the flusher moving everything into the database. */
async function flushRate(
  backend: string,
  sql: ClosableSqlClient,
  journalDir: string,
  flushBatchEvents: number,
): Promise<void> {
  await migrate(sql);
  const db = faultySql(sql);
  const store = await JournaledEventStore.open({
    sql: db,
    journalDir,
    maxPendingEvents: 10_000_000,
    flushBatchEvents,
  });
  let release: () => void = () => undefined;
  db.stall = new Promise((r) => (release = r));
  for (let b = 0; b < flushEvents / 1000; b++) {
    await store.append(Array.from({ length: 1000 }, (_, i) => event(b * 1000 + i)));
  }
  db.stall = null;
  const start = performance.now();
  release();
  await store.flush();
  const secs = (performance.now() - start) / 1000;
  rows.push({
    backend,
    scenario: 'journal → database flush',
    events: flushEvents,
    seconds: secs,
    rate: rate(flushEvents, secs),
    note: `${store.stats().flushBatches} inserts of ≤ ${flushBatchEvents.toLocaleString('en-US')} rows`,
  });
  await store.close();
  await sql.close();
}

async function runPglite(): Promise<void> {
  const dirs = [await freshDataDir(), await freshDataDir(), await freshDataDir()];
  try {
    await batched('PGlite', { dataDir: dirs[0] });
    await single('PGlite', { dataDir: dirs[1] });
    await flushRate(
      'PGlite',
      await openPgliteClient({ dataDir: join(dirs[2], 'pgdata') }),
      join(dirs[2], 'journal'),
      2000,
    );
  } finally {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

async function runPostgres(): Promise<void> {
  const reason = await postgresUnavailable();
  if (reason !== null) return;
  const dbs = [await createTestDatabase('bench_store'), await createTestDatabase('bench_store')];
  const dirs = await Promise.all([1, 2, 3].map(() => mkdtemp(join(tmpdir(), 'flexiroaster-bench-'))));
  try {
    await batched('PostgreSQL', { dataDir: dirs[0], databaseUrl: dbs[0].url });
    await single('PostgreSQL', { dataDir: dirs[1], databaseUrl: dbs[0].url });
    await flushRate(
      'PostgreSQL',
      openPostgresClient({ connectionString: dbs[1].url }),
      join(dirs[2], 'journal'),
      5000,
    );
  } finally {
    await Promise.all(dbs.map((d) => d.drop()));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

if (backendArg !== 'postgres') await runPglite();
if (backendArg !== 'pglite') await runPostgres();
console.log('| backend | scenario | events | seconds | events/s | notes |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.backend} | ${r.scenario} | ${r.events.toLocaleString('en-US')} | ${r.seconds.toFixed(2)} | ${r.rate} | ${r.note} |`,
  );
}
