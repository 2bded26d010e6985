/**
 * Write-back throughput on the real PostgreSQL: a backlog of insights and incidents written to the
 * FlexiRoaster tables (fixture schema) in another database, then the cost of an idle pass (nothing
 * pending; the dismissal read-back of the newest written insights), which each interval pays.
 *
 *   npx tsx bench/write-back.ts [--insights 20000] [--incidents 2000] [--batch 500]
 *
 * PostgreSQL: 127.0.0.1:5432 as user postgres (PGHOST/PGUSER override). Prints one markdown table.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  SqlAnomalyStore,
  SqlInsightStore,
  SqlWriteBackLedger,
  SqlWriteBackTarget,
  migrate,
} from '../src/adapters/index.js';
import { openPostgresClient } from '../src/adapters/internal.js';
import { WriteBackService } from '../src/app/index.js';
import type { IncidentRow, InsightRow } from '../src/ports/index.js';
import { FakeClock } from '../src/shared/index.js';
import { createTestDatabase, postgresUnavailable } from '../test/helpers/pg.js';

const { values } = parseArgs({
  options: {
    insights: { type: 'string', default: '20000' },
    incidents: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '500' },
  },
});
const N = Number(values.insights);
const M = Number(values.incidents);
const BATCH = Number(values.batch);
const T = Date.parse('2026-03-01T12:00:00Z');

const why = await postgresUnavailable();
if (why !== null) throw new Error(why);
const [storeDb, sourceDb] = await Promise.all([
  createTestDatabase('bench_write_back_store'),
  createTestDatabase('bench_write_back_source'),
]);
const store = openPostgresClient({ connectionString: storeDb.url, poolSize: 2 });
const source = openPostgresClient({ connectionString: sourceDb.url, poolSize: 2 });
try {
  await migrate(store);
  await source.exec(
    await readFile(new URL('../src/adapters/source/demo/flexiroaster_schema.sql', import.meta.url), 'utf8'),
  );
  const pipelines = (
    await source.query<{ id: string }>(
      `INSERT INTO pipelines (name) SELECT 'p' || g FROM generate_series(1, 100) g RETURNING id::text AS id`,
    )
  ).rows.map((r) => r.id);
  const insights: InsightRow[] = Array.from({ length: N }, (_, i) => ({
    id: randomUUID(),
    insight_type: 'anomaly',
    source: 'anomaly',
    source_id: `a${i}`,
    pipeline_id: i % 10 === 0 ? `unknown-${i}` : pipelines[i % pipelines.length],
    execution_id: null,
    severity: 'medium',
    title: `Abnormal run ${i}`,
    description: 'duration 4.2σ above baseline; error count 3 vs 0.1',
    recommendation: null,
    confidence: (i % 100) / 100,
    metadata: { model_version: 'anomaly-1', algorithm: 'iforest', kind: 'execution' },
    created_at: T + i,
  }));
  const insightStore = new SqlInsightStore(store);
  for (let i = 0; i < N; i += 5000) await insightStore.upsert(insights.slice(i, i + 5000));
  const incidents: IncidentRow[] = Array.from({ length: M }, (_, i) => ({
    id: randomUUID(),
    pipeline_id: pipelines[i % pipelines.length],
    kind: i % 2 === 0 ? 'execution' : 'metric',
    status: i < M - pipelines.length ? 'resolved' : 'open',
    opened_at: T + i * 1000,
    last_seen_at: T + i * 1000 + 500,
    resolved_at: i < M - pipelines.length ? T + i * 1000 + 900 : null,
    anomaly_count: 2,
    max_score: 0.8,
    title: 'duration far above baseline',
  }));
  // The last one of each pipeline is open (the store allows one open incident per pipeline and kind).
  const anomalyStore = new SqlAnomalyStore(store);
  for (let i = 0; i < M; i += 500)
    await anomalyStore.save({ anomalies: [], incidents: incidents.slice(i, i + 500), insights: [] });

  const wb = new WriteBackService({
    ledger: new SqlWriteBackLedger(store),
    target: new SqlWriteBackTarget(source, 'public'),
    clock: new FakeClock(T),
    batchSize: BATCH,
    maxBatchesPerPass: 1_000_000,
  });
  let t0 = performance.now();
  const pass = await wb.tick();
  const backlogMs = performance.now() - t0;
  if (pass === null) throw new Error(wb.stats().last_error ?? 'pass failed');
  const idle: number[] = [];
  for (let i = 0; i < 20; i++) {
    t0 = performance.now();
    await wb.tick();
    idle.push(performance.now() - t0);
  }
  idle.sort((a, b) => a - b);
  const written = pass.insights + pass.alerts_opened;
  console.log(
    `| backlog | insights written | skipped | alerts | batch | time | rows/s | idle pass p50 / max |`,
  );
  console.log(`| --- | --- | --- | --- | --- | --- | --- | --- |`);
  console.log(
    `| ${N} insights, ${M} incidents | ${pass.insights} | ${pass.skipped} | ${pass.alerts_opened} | ${BATCH} | ${(backlogMs / 1000).toFixed(2)} s | ${Math.round((written + pass.skipped) / (backlogMs / 1000))} | ${idle[10].toFixed(1)} / ${idle[19].toFixed(1)} ms |`,
  );
} finally {
  await store.close();
  await source.close();
  await Promise.all([storeDb.drop(), sourceDb.drop()]);
}
