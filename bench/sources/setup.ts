/** Shared pieces of the sources benchmark: a scratch database with the FlexiRoaster schema, a store, an ingest path. */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/adapters/index.js';
import { IngestService } from '../../src/app/index.js';
import { MonitoringEngine } from '../../src/monitoring/index.js';

export const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const clock = { now: () => Date.now() };

/** A fresh database with the FlexiRoaster tables; drop() removes it and any slot made for it. */
export async function scratchDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `bench_sources_${randomBytes(4).toString('hex')}`;
  await withClient(ADMIN_URL, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  const ddl = await readFile(
    new URL('../../src/adapters/source/demo/flexiroaster_schema.sql', import.meta.url),
    'utf8',
  );
  await withClient(url, (c) => c.query(ddl));
  return {
    url,
    name,
    drop: async () => {
      await withClient(ADMIN_URL, async (c) => {
        await c.query(
          `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = $1`,
          [name],
        );
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The service's store on the same server (own schema) with a journal in a temp folder, and the ingest path. */
export async function serviceSide(
  url: string,
): Promise<{ store: Store; ingest: IngestService; close(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-sources-'));
  const store = await openStore({ dataDir, databaseUrl: url });
  const engine = new MonitoringEngine({ windowMs: 3_600_000, maxEventsPerPipeline: 5000, clock });
  const ingest = new IngestService({ store: store.events, live: engine, clock, newId: randomUUID });
  return {
    store,
    ingest,
    close: async () => {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Fills the tables server-side: 20 pipelines × 5 stages, then executions with 3 stage runs, 3 logs
 * and 3 metrics each (10 rows per execution), `rows` in all. With `commitRows` 0 each table's rows are
 * one transaction (four transactions of 100k–300k rows for 1M rows); otherwise executions are written
 * in time order, each with its stage runs, logs and metrics, about `commitRows` rows per transaction.
 */
export async function loadBacklog(url: string, rows: number, commitRows: number): Promise<void> {
  const executions = Math.floor(rows / 10);
  await withClient(url, async (c) => {
    await c.query(
      `INSERT INTO pipelines (id, name, definition) SELECT gen_random_uuid(), 'p' || g, '{}' FROM generate_series(1, 20) g`,
    );
    await c.query(`INSERT INTO pipeline_stages (pipeline_id, name, type, order_index, config)
      SELECT p.id, 's' || g, (ARRAY['input','transform','validation','output','output'])[g], g, NULL
      FROM pipelines p, generate_series(1, 5) g`);
    await c.query(
      `CREATE TEMP TABLE pick AS SELECT p.id AS pipeline_id, row_number() OVER () AS n FROM pipelines p`,
    );
    if (commitRows > 0) await loadInChunks(c, executions, Math.max(1, Math.round(commitRows / 10)));
    else await loadPerTable(c, executions);
    await c.query('ANALYZE');
  });
}

async function loadPerTable(c: pg.Client, executions: number): Promise<void> {
  await c.query(
    `INSERT INTO executions (id, pipeline_id, status, started_at, completed_at, duration_seconds, context)
     SELECT gen_random_uuid(), (SELECT pipeline_id FROM pick WHERE n = 1 + g % 20), CASE WHEN g % 10 = 0 THEN 'failed' ELSE 'completed' END,
       now() - interval '50 minutes' + g * interval '1 ms', now() - interval '49 minutes' + g * interval '1 ms', 60, '{"retry_count": 0}'
     FROM generate_series(1, $1::int) g`,
    [executions],
  );
  await c.query(`INSERT INTO execution_stages (execution_id, stage_id, status, started_at, completed_at, duration_seconds)
    SELECT e.id, s.id, 'completed', e.started_at, e.completed_at, 20
    FROM executions e JOIN LATERAL (SELECT id FROM pipeline_stages s WHERE s.pipeline_id = e.pipeline_id ORDER BY order_index LIMIT 3) s ON true`);
  await c.query(`INSERT INTO logs (level, service, pipeline_id, execution_id, message, created_at)
    SELECT 'INFO', 'bench', e.pipeline_id, e.id, 'step ' || g || ' done', e.started_at FROM executions e, generate_series(1, 3) g`);
  await c.query(`INSERT INTO metrics (metric_name, metric_type, value, tags, created_at)
    SELECT (ARRAY['cpu_percent','memory_percent','latency_ms'])[g], 'gauge', 10 * g, jsonb_build_object('pipeline_id', e.pipeline_id, 'execution_id', e.id), e.started_at
    FROM executions e, generate_series(1, 3) g`);
}

/**
 * The same rows as `loadPerTable`, `perCommit` executions (with their stage runs, logs and metrics) a
 * transaction: one DO block that commits after each chunk (sent alone, so it may commit). Commits
 * do not wait for the disk (`synchronous_commit = off`): that changes the load time, not what a
 * consumer reads.
 */
async function loadInChunks(c: pg.Client, executions: number, perCommit: number): Promise<void> {
  if (!Number.isInteger(executions) || !Number.isInteger(perCommit))
    throw new RangeError('loadInChunks: integer counts only');
  await c.query('SET synchronous_commit = off');
  await c.query(`DO $$
    DECLARE
      base timestamptz := now();
      lo int := 1;
    BEGIN
      WHILE lo <= ${executions} LOOP
        WITH e AS (
          INSERT INTO executions (id, pipeline_id, status, started_at, completed_at, duration_seconds, context)
          SELECT gen_random_uuid(), (SELECT pipeline_id FROM pick WHERE n = 1 + g % 20), CASE WHEN g % 10 = 0 THEN 'failed' ELSE 'completed' END,
            base - interval '50 minutes' + g * interval '1 ms', base - interval '49 minutes' + g * interval '1 ms', 60, '{"retry_count": 0}'
          FROM generate_series(lo, least(lo + ${perCommit} - 1, ${executions})) g
          RETURNING id, pipeline_id, started_at, completed_at
        ), st AS (
          INSERT INTO execution_stages (execution_id, stage_id, status, started_at, completed_at, duration_seconds)
          SELECT e.id, s.id, 'completed', e.started_at, e.completed_at, 20
          FROM e JOIN LATERAL (SELECT id FROM pipeline_stages s WHERE s.pipeline_id = e.pipeline_id ORDER BY order_index LIMIT 3) s ON true
        ), lg AS (
          INSERT INTO logs (level, service, pipeline_id, execution_id, message, created_at)
          SELECT 'INFO', 'bench', e.pipeline_id, e.id, 'step ' || g || ' done', e.started_at FROM e, generate_series(1, 3) g
        )
        INSERT INTO metrics (metric_name, metric_type, value, tags, created_at)
        SELECT (ARRAY['cpu_percent','memory_percent','latency_ms'])[g], 'gauge', 10 * g, jsonb_build_object('pipeline_id', e.pipeline_id, 'execution_id', e.id), e.started_at
        FROM e, generate_series(1, 3) g;
        COMMIT;
        lo := lo + ${perCommit};
      END LOOP;
    END $$`);
  await c.query('RESET synchronous_commit');
}
