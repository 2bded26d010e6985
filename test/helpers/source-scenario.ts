/**
 * The change-consumer crash scenario shared by the per-mode tests: writers insert and update
 * FlexiRoaster rows (some in long transactions that commit late, some rolled back) while the consumer
 * runs in a child process that is SIGKILLed and restarted; then every execution must be in the store
 * exactly once with its final status, and every log and metric row once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './pg.js';

const CHILD = fileURLToPath(new URL('./source-child.ts', import.meta.url));
const FIXTURE = new URL('../../src/adapters/source/demo/flexiroaster_schema.sql', import.meta.url);

export interface ScenarioEnv {
  db: TestDatabase;
  dataDir: string;
  slot: string;
  teardown(): Promise<void>;
}

/** A fresh database with the FlexiRoaster schema, a data folder, a unique slot name. */
export async function scenarioEnv(label: string): Promise<ScenarioEnv> {
  const db = await createTestDatabase(label);
  const dataDir = await mkdtemp(join(tmpdir(), 'flexiroaster-source-'));
  await withClient(db.url, async (c) => c.query(await readFile(FIXTURE, 'utf8')));
  const slot = `fr_${db.name}`;
  return {
    db,
    dataDir,
    slot,
    teardown: async () => {
      await withClient(db.url, (c) =>
        c.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [
          slot,
        ]),
      ).catch(() => undefined);
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
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

/** A running consumer child and what it printed. */
export interface ConsumerChild {
  proc: ChildProcess;
  modes: string[];
  rejects: string[];
  lastHealth: { connected: boolean; lag_seconds: number; rejected: number } | null;
  /** The child's JS heap in use, as last printed. */
  heapUsed: number;
  exited: Promise<void>;
}

/** Starts the consumer in a child process (`extra`: more environment, e.g. SOURCE_BATCH). */
export function startConsumer(
  env: ScenarioEnv,
  mode: string,
  extra: Record<string, string> = {},
): ConsumerChild {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: {
      ...process.env,
      ...extra,
      STORE_DATA_DIR: env.dataDir,
      STORE_DATABASE_URL: env.db.url,
      SOURCE_URL: env.db.url,
      SOURCE_MODE: mode,
      SOURCE_SLOT: env.slot,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const child: ConsumerChild = {
    proc,
    modes: [],
    rejects: [],
    lastHealth: null,
    heapUsed: 0,
    exited: new Promise((resolve) => proc.once('exit', () => resolve())),
  };
  void (async () => {
    for await (const line of createInterface({ input: proc.stdout! })) {
      const [word, ...rest] = line.split(' ');
      if (word === 'MODE') child.modes.push(rest[0]);
      else if (word === 'REJECT') child.rejects.push(rest.join(' '));
      else if (word === 'HEAP') child.heapUsed = Number(rest[0]);
      else if (word === 'HEALTH')
        child.lastHealth = JSON.parse(rest.join(' ')) as ConsumerChild['lastHealth'];
    }
  })();
  return child;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pipelines and stages the writers run. */
export async function seedPipelines(url: string, n: number): Promise<{ id: string; stages: string[] }[]> {
  return withClient(url, async (c) => {
    const out: { id: string; stages: string[] }[] = [];
    for (let p = 0; p < n; p++) {
      const id = randomUUID();
      await c.query(
        `INSERT INTO pipelines (id, name, definition, version, schedule_cron, timeout_seconds) VALUES ($1, $2, $3, 1, '*/5 * * * *', 600)`,
        [id, `pipe-${p}`, JSON.stringify({ steps: p })],
      );
      const stages: string[] = [];
      for (const [i, type] of (['input', 'transform', 'validation'] as const).entries()) {
        const sid = randomUUID();
        await c.query(
          `INSERT INTO pipeline_stages (id, pipeline_id, name, type, order_index, config) VALUES ($1, $2, $3, $4, $5, $6)`,
          [sid, id, `${type}-${i}`, type, i, i === 1 ? JSON.stringify({ critical: false }) : null],
        );
        stages.push(sid);
      }
      out.push({ id, stages });
    }
    return out;
  });
}

/** What the writers did: final status per committed execution, rows committed. */
export interface Written {
  executions: Map<string, { pipeline: string; status: string }>;
  logs: number;
  metrics: number;
}

/**
 * Runs `lanes` writers for `runs` executions each. Every third run of a lane commits late (a long
 * transaction holding its rows), every seventh is rolled back.
 */
export async function runWriters(
  url: string,
  pipelines: { id: string; stages: string[] }[],
  lanes: number,
  runs: number,
): Promise<Written> {
  const written: Written = { executions: new Map(), logs: 0, metrics: 0 };
  await Promise.all(
    Array.from({ length: lanes }, (_, lane) =>
      withClient(url, async (c) => {
        for (let r = 0; r < runs; r++) {
          const p = pipelines[(lane + r) % pipelines.length];
          const id = randomUUID();
          const late = r % 3 === 2;
          const rollback = r % 7 === 6;
          await c.query('BEGIN');
          await c.query(
            `INSERT INTO executions (id, pipeline_id, status, started_at, trigger_type, context) VALUES ($1, $2, 'running', now(), 'scheduled', '{"retry_count": 0}')`,
            [id, p.id],
          );
          await c.query(
            `INSERT INTO logs (level, service, pipeline_id, execution_id, message) VALUES ('INFO', 'w', $1, $2, 'started')`,
            [p.id, id],
          );
          if (late) await sleep(700);
          if (rollback) {
            await c.query('ROLLBACK');
            continue;
          }
          await c.query('COMMIT');
          written.logs++;
          for (const sid of p.stages) {
            await c.query(
              `INSERT INTO execution_stages (execution_id, stage_id, status, started_at) VALUES ($1, $2, 'running', now())`,
              [id, sid],
            );
          }
          await c.query(
            `INSERT INTO metrics (metric_name, metric_type, value, tags) VALUES ('cpu_percent', 'gauge', $1, $2)`,
            [r % 100, JSON.stringify({ pipeline_id: p.id, execution_id: id })],
          );
          written.metrics++;
          const status = r % 4 === 0 ? 'failed' : 'completed';
          await c.query('BEGIN');
          await c.query(
            `UPDATE execution_stages SET status = $2, completed_at = now(), duration_seconds = 1 WHERE execution_id = $1`,
            [id, status],
          );
          await c.query(
            `UPDATE executions SET status = $2, completed_at = now(), duration_seconds = 2, context = '{"retry_count": 1}' WHERE id = $1`,
            [id, status],
          );
          if (r % 5 === 4) await sleep(400);
          await c.query('COMMIT');
          written.executions.set(id, { pipeline: p.id, status });
        }
      }),
    ),
  );
  return written;
}

/** The store's latest state per key (what a rebuild or the engine sees), and how many states each key has. */
export async function storedState(url: string) {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ key: string; kind: string; status: string | null }>(
      `SELECT DISTINCT ON (key) key, kind, payload->>'status' AS status FROM flexiroaster_ai.events ORDER BY key, id DESC`,
    );
    return rows;
  });
}

/** Waits until `done` holds (an error counts as not yet) or the time is up. */
export async function waitFor(done: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await done().catch(() => false)) return true;
    await sleep(200);
  }
  return false;
}

/** Why logical replication cannot be tested here (printed), or null when it can. */
export async function logicalUnavailable(): Promise<string | null> {
  const level = await withClient(
    adminUrl(),
    async (c) => (await c.query<{ wal_level: string }>('SHOW wal_level')).rows[0].wal_level,
  ).catch((err: unknown) => `unknown (${String(err)})`);
  if (level === 'logical') return null;
  const reason = `PostgreSQL wal_level is ${level}, not logical (scripts/services-up.sh switches it); skipping replication tests`;
  console.warn(reason);
  return reason;
}

function adminUrl(): string {
  const e = process.env;
  const auth = e.PGPASSWORD
    ? `${e.PGUSER ?? 'postgres'}:${encodeURIComponent(e.PGPASSWORD)}`
    : (e.PGUSER ?? 'postgres');
  return `postgres://${auth}@${e.PGHOST ?? '127.0.0.1'}:${e.PGPORT ?? 5432}/postgres`;
}
