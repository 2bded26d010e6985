/**
 * Sources benchmark. Exact commands and results: docs/BENCHMARKS.md, "Sources".
 *
 *   npx tsx bench/sources.ts backlog --mode poll|triggers|replication --rows 1000000 [--commit-rows 1000]
 *   npx tsx bench/sources.ts lag --mode poll|triggers|replication --rate 2000 --seconds 20
 *   npx tsx bench/sources.ts nats --messages 200000
 *
 * Needs PostgreSQL at 127.0.0.1:5432 (BENCH_PG_URL; wal_level=logical for replication) and NATS at
 * 127.0.0.1:4222 (NATS_URL). Each run uses a scratch database (and stream) and drops it.
 *
 * --commit-rows: rows per source transaction of the backlog. A fleet writes its backlog as many small
 * commits (each run's rows as it goes), not as one bulk transaction per table; the default 1000 is
 * 100 executions with their stage runs, logs and metrics per commit — far below
 * logical_decoding_work_mem, so the walsender never holds back a huge transaction while it decodes it,
 * yet still a batched writer, not one commit per row. 0 loads each table as one transaction (the
 * shape measured before 29 Nov 05:30 UTC: four transactions of 100k–300k rows).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { NatsMetricsRunner } from '../src/adapters/nats/metrics-consumer.js';
import { createSourceConsumer, openSourceClient, type SourceMode } from '../src/adapters/source/index.js';
import { SourceSupervisor } from '../src/adapters/source/supervisor.js';
import type { TelemetryEvent } from '../src/domain/index.js';
import { parseCriticalTypes } from '../src/ingest/index.js';
import { clock, loadBacklog, scratchDatabase, serviceSide, withClient } from './sources/setup.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    mode: { type: 'string', default: 'poll' },
    rows: { type: 'string', default: '1000000' },
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '20' },
    messages: { type: 'string', default: '200000' },
    'poll-interval-ms': { type: 'string', default: '1000' },
    'commit-rows': { type: 'string', default: '1000' },
  },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mode = values.mode as Exclude<SourceMode, 'auto'>;
// One slot for the whole run: the backlog's second consumer must stream from the slot the first made
// (a new name would make it copy the tables again instead of reading the changes).
const slot = `bench_${randomBytes(3).toString('hex')}`;

/** Runs the consumer against `url` with `onEvents` seeing every durable batch. */
async function consumer(
  url: string,
  service: Awaited<ReturnType<typeof serviceSide>>,
  onEvents: (e: readonly TelemetryEvent[]) => void,
) {
  const source = openSourceClient(url);
  const c = createSourceConsumer({
    name: 'bench',
    mode,
    source,
    connectionString: url,
    schema: 'public',
    store: service.store.sql,
    sink: async (events) => {
      await service.ingest.ingestEvents(events);
      onEvents(events);
    },
    clock,
    pollIntervalMs: Number(values['poll-interval-ms']),
    criticalTypes: parseCriticalTypes('input,transform,output'),
    random: () => 0.5,
    slot,
    onError: (err) => console.error('source error:', err.message),
  });
  c.start();
  while (!c.health().connected) await sleep(20);
  return {
    consumer: c,
    stop: async () => {
      await c.stop();
      await source.close();
    },
  };
}

async function backlog(): Promise<void> {
  const rows = Number(values.rows);
  const db = await scratchDatabase();
  const service = await serviceSide(db.url);
  try {
    let events = 0;
    // Replication and triggers consume the backlog as changes: the slot or triggers exist first.
    let run = mode === 'poll' ? null : await consumer(db.url, service, (e) => (events += e.length));
    if (run !== null) await setUpDone(db.url);
    await run?.stop();
    const t0 = Date.now();
    await loadBacklog(db.url, rows, Number(values['commit-rows']));
    const loadS = (Date.now() - t0) / 1000;
    const expected = (
      await withClient(db.url, (c) =>
        c.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM executions) + (SELECT count(*) FROM execution_stages) + (SELECT count(*) FROM logs) + (SELECT count(*) FROM metrics) AS n`,
        ),
      )
    ).rows[0].n;
    // Distinct identities, so that a lost row never hides behind a row read twice.
    const keys = new Set<string>();
    events = 0;
    const cpu0 = process.cpuUsage();
    const pg0 = await serverCpu(db.url, db.name);
    const start = Date.now();
    run = await consumer(db.url, service, (e) => {
      events += e.length;
      for (const x of e) keys.add(x.key);
    });
    while (keys.size < Number(expected)) await sleep(50);
    const s = (Date.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const pg1 = await serverCpu(db.url, db.name);
    await run.stop();
    console.log(
      JSON.stringify({
        bench: 'backlog',
        mode,
        commit_rows: Number(values['commit-rows']),
        rows: Number(expected) + 120,
        load_s: loadS,
        consume_s: s,
        rows_per_s: Math.round(Number(expected) / s),
        read_twice: events - keys.size,
        node_cpu_s: (cpu.user + cpu.system) / 1e6,
        server_cpu_s: cpuSince(pg0, pg1),
      }),
    );
  } finally {
    await service.close();
    await db.drop();
  }
}

/** Waits until the first consumer finished its initial copy (the backlog then comes as changes). */
async function setUpDone(url: string): Promise<void> {
  for (;;) {
    const { rows } = await withClient(url, (c) =>
      c.query(
        `SELECT 1 FROM flexiroaster_ai.source_checkpoints WHERE source = 'bench' AND position->'copy' = 'null'::jsonb`,
      ),
    );
    if (rows.length > 0) return;
    await sleep(50);
  }
}

/**
 * CPU seconds used so far by each server process of the database (backends, walsender), from
 * /proc: what the consumer costs the server, less noisy than wall time on a shared machine.
 */
async function serverCpu(url: string, name: string): Promise<Map<number, number>> {
  const { rows } = await withClient(url, (c) =>
    c.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    ),
  );
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    if (stat === null) continue;
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(pid, (Number(f[11]) + Number(f[12])) / 100);
  }
  return out;
}

function cpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let s = 0;
  for (const [pid, t] of after) s += t - (before.get(pid) ?? 0);
  return Math.round(s * 100) / 100;
}

async function lag(): Promise<void> {
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const db = await scratchDatabase();
  const service = await serviceSide(db.url);
  const committedAt = new Map<number, number>();
  const remaining = new Map<number, number>();
  const lags: number[] = [];
  try {
    const pipeline = await withClient(db.url, async (c) => {
      const { rows } = await c.query<{ id: string }>(
        `INSERT INTO pipelines (name) VALUES ('lag') RETURNING id::text AS id`,
      );
      return rows[0].id;
    });
    const run = await consumer(db.url, service, (events) => {
      const now = Date.now();
      for (const e of events) {
        const m = /^e:lag-(\d+)-/.exec(e.key);
        if (m === null) continue;
        const b = Number(m[1]);
        const left = (remaining.get(b) ?? 0) - 1;
        remaining.set(b, left);
        if (left === 0 && committedAt.has(b)) lags.push(now - (committedAt.get(b) as number));
      }
    });
    const perBatch = Math.max(1, Math.round(rate / 10));
    await withClient(db.url, async (c) => {
      const end = Date.now() + seconds * 1000;
      for (let b = 0; Date.now() < end; b++) {
        const tick = Date.now();
        remaining.set(b, (remaining.get(b) ?? 0) + perBatch);
        await c.query(
          `INSERT INTO metrics (metric_name, metric_type, value, tags)
           SELECT 'cpu_percent', 'gauge', g % 100, jsonb_build_object('pipeline_id', $1::text, 'event_id', 'lag-' || $2::int || '-' || g)
           FROM generate_series(1, $3::int) g`,
          [pipeline, b, perBatch],
        );
        committedAt.set(b, Date.now());
        await sleep(Math.max(0, 100 - (Date.now() - tick)));
      }
    });
    await sleep(3000);
    await run.stop();
    lags.sort((a, b) => a - b);
    const q = (p: number) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))];
    console.log(
      JSON.stringify({
        bench: 'lag',
        mode,
        rows_per_s: rate,
        batches: committedAt.size,
        measured: lags.length,
        p50_ms: q(0.5),
        p95_ms: q(0.95),
        max_ms: lags.at(-1),
      }),
    );
  } finally {
    await service.close();
    await db.drop();
  }
}

async function nats(): Promise<void> {
  const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const n = Number(values.messages);
  const id = randomBytes(3).toString('hex');
  const stream = `BENCH_${id}`;
  const subject = `bench.${id}.>`;
  const db = await scratchDatabase();
  const service = await serviceSide(db.url);
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.add({ name: stream, subjects: [subject] });
    await jsm.consumers.add(stream, {
      durable_name: 'bench',
      ack_policy: AckPolicy.Explicit,
      filter_subject: subject,
    });
    const js = jetstream(nc);
    const t0 = Date.now();
    for (let i = 0; i < n; i += 1000) {
      const batch = [];
      for (let j = i; j < Math.min(n, i + 1000); j++)
        batch.push(
          js.publish(
            `bench.${id}.p${j % 20}`,
            JSON.stringify({
              type: 'metric',
              pipeline_id: `p${j % 20}`,
              name: 'cpu_percent',
              value: j % 100,
            }),
          ),
        );
      await Promise.all(batch);
    }
    const publishS = (Date.now() - t0) / 1000;
    let events = 0;
    const sup = new SourceSupervisor(
      new NatsMetricsRunner({
        url,
        stream,
        subject,
        durable: 'bench',
        clock,
        sink: (e) => service.ingest.ingestEvents(e),
        onEvents: (k) => (events += k),
      }),
      { name: 'nats', clock, random: () => 0.5 },
    );
    const start = Date.now();
    sup.start();
    while (events < n) await sleep(20);
    const s = (Date.now() - start) / 1000;
    await sup.stop();
    console.log(
      JSON.stringify({
        bench: 'nats',
        messages: n,
        publish_s: publishS,
        consume_s: s,
        metrics_per_s: Math.round(n / s),
      }),
    );
  } finally {
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
    await service.close();
    await db.drop();
  }
}

const which = positionals[0] ?? 'backlog';
await ({ backlog, lag, nats } as Record<string, () => Promise<void>>)[which]();
