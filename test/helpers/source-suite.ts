import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailable } from './pg.js';
import {
  logicalUnavailable,
  runWriters,
  scenarioEnv,
  seedPipelines,
  sleep,
  startConsumer,
  storedState,
  waitFor,
  withClient,
  type ConsumerChild,
  type ScenarioEnv,
} from './source-scenario.js';

/**
 * The change-consumer suite for one mode: the crash scenario and the bad-rows check, skipped with a
 * printed reason when PostgreSQL (or, for replication, wal_level=logical) is not available.
 */
export async function consumerSuite(mode: 'poll' | 'triggers' | 'replication'): Promise<void> {
  const skip = (await postgresUnavailable()) ?? (mode === 'replication' ? await logicalUnavailable() : null);
  const running: ConsumerChild[] = [];
  const start = (env: ScenarioEnv, extra?: Record<string, string>) => {
    const child = startConsumer(env, mode, extra);
    running.push(child);
    return child;
  };

  /** SIGKILLs the consumer four times while the writers run (and it catches up); returns the last child. */
  async function killAndRestartWhileWriting(
    env: ScenarioEnv,
  ): Promise<{ child: ConsumerChild; kills: number }> {
    let child = start(env);
    let kills = 0;
    while (kills < 4) {
      // Killed once it is consuming, at a different point of its work each time.
      await waitFor(async () => child.lastHealth !== null, 10_000);
      await sleep(150 + 250 * (kills % 3));
      child.proc.kill('SIGKILL');
      await child.exited;
      kills++;
      child = start(env);
    }
    return { child, kills };
  }

  describe.skipIf(skip !== null)(`change consumer (${mode}) against PostgreSQL`, () => {
    let env: ScenarioEnv;
    beforeAll(async () => {
      env = await scenarioEnv(`source_${mode}`);
    });
    afterEach(async () => {
      // A failed assertion must not leave a consumer holding the data folder.
      for (const c of running.splice(0)) {
        if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
        await c.exited;
      }
    });
    afterAll(async () => {
      await env?.teardown();
    });

    it(
      'counts every execution once with its final status through SIGKILLs, late commits and rollbacks',
      { timeout: 120_000 },
      async () => {
        const pipelines = await seedPipelines(env.db.url, 4);
        const writing = runWriters(env.db.url, pipelines, 6, 20);
        const { child, kills } = await killAndRestartWhileWriting(env);
        const written = await writing;
        expect(kills).toBe(4);

        // Every kind is waited for: executions alone can be complete early, when a restarted
        // initial copy (tables in order: executions before logs) reads them with their final status
        // while the logs are not copied yet — the check then saw no logs at all, though none was lost.
        const caughtUp = await waitFor(async () => {
          const state = await storedState(env.db.url);
          const execs = state.filter((s) => s.kind === 'execution');
          const count = (kind: string) => state.filter((s) => s.kind === kind).length;
          return (
            child.modes.length > 0 &&
            execs.length === written.executions.size &&
            execs.every((e) => e.status === written.executions.get(e.key.split(':')[2])?.status) &&
            count('log') === written.logs &&
            count('metric') === written.metrics &&
            count('stage') === written.executions.size * 3
          );
        }, 60_000);
        child.proc.kill('SIGTERM');
        await child.exited;
        expect(child.modes).toContain(mode);

        const state = await storedState(env.db.url);
        const execs = state.filter((s) => s.kind === 'execution');
        expect(caughtUp).toBe(true);
        expect(execs).toHaveLength(written.executions.size);
        for (const e of execs) {
          const [, pipeline, id] = e.key.split(':');
          expect(written.executions.get(id)).toEqual({ pipeline, status: e.status });
        }
        expect(state.filter((s) => s.kind === 'log')).toHaveLength(written.logs);
        expect(state.filter((s) => s.kind === 'metric')).toHaveLength(written.metrics);
        const stages = state.filter((s) => s.kind === 'stage');
        expect(stages).toHaveLength(written.executions.size * 3);
        expect(stages.every((s) => s.status === 'completed' || s.status === 'failed')).toBe(true);

        const versions = await withClient(env.db.url, (c) =>
          c.query('SELECT count(*)::int AS n FROM flexiroaster_ai.pipeline_versions'),
        );
        expect(versions.rows[0].n).toBe(4);
      },
    );

    // Only replication acknowledges a server-side position (registered only there: nothing skipped).
    if (mode === 'replication') {
      it('confirms to the server exactly the durable position, never one past it', async () => {
        // The server starts a restart at the confirmed position and drops every transaction whose
        // commit record lies before it: one byte past a commit's end loses the next commit when
        // its record starts right there (two commits with nothing written between them).
        const [pipeline] = await seedPipelines(env.db.url, 1);
        const child = start(env);
        expect(await waitFor(async () => child.lastHealth?.connected === true, 30_000)).toBe(true);
        const from = await withClient(env.db.url, async (c) => {
          const { rows } = await c.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
          await c.query(
            `INSERT INTO logs (level, service, pipeline_id, message) VALUES ('INFO', 'ack', $1, 'x')`,
            [pipeline.id],
          );
          return rows[0].lsn;
        });
        // Once a checkpoint past the insert is acknowledged (the slot at or past it), compare both.
        const seen: { confirmed: string; checkpoint: string }[] = [];
        const acknowledged = await waitFor(async () => {
          const { rows } = await withClient(env.db.url, (c) =>
            c.query<{ confirmed: string; checkpoint: string; done: boolean }>(
              `SELECT s.confirmed_flush_lsn::text AS confirmed, k.lsn::text AS checkpoint,
                 k.lsn > $2::pg_lsn AND s.confirmed_flush_lsn >= k.lsn AS done
               FROM pg_replication_slots s,
                 (SELECT (position->>'lsn')::pg_lsn AS lsn FROM flexiroaster_ai.source_checkpoints WHERE source = 'flexiroaster') k
               WHERE s.slot_name = $1`,
              [env.slot, from],
            ),
          );
          seen.push(...rows);
          return rows[0]?.done === true;
        }, 30_000);
        child.proc.kill('SIGTERM');
        await child.exited;
        expect(acknowledged).toBe(true);
        const last = seen[seen.length - 1];
        expect(last.confirmed).toBe(last.checkpoint);
      }, 60_000);

      it('applies a transaction larger than a batch as it arrives; a kill in its middle loses nothing', async () => {
        // 3,000 rows in one transaction, batches of 20: rows are stored before the commit arrives
        // (never held whole in memory), and only the commit moves the checkpoint, so a kill midway
        // makes the slot send the whole transaction again. The first consumer's store is slowed
        // (10 ms a batch) so that the test sees it midway whatever the machine's speed.
        const [pipeline] = await seedPipelines(env.db.url, 1);
        const stored = async () =>
          (
            await withClient(env.db.url, (c) =>
              c.query<{ n: number }>(
                `SELECT count(DISTINCT key)::int AS n FROM flexiroaster_ai.events WHERE kind = 'log' AND payload->>'message' LIKE 'big %'`,
              ),
            )
          ).rows[0].n;
        let child = start(env, { SOURCE_BATCH: '20', SOURCE_SINK_DELAY_MS: '10' });
        expect(await waitFor(async () => child.lastHealth?.connected === true, 30_000)).toBe(true);
        await withClient(env.db.url, (c) =>
          c.query(
            `INSERT INTO logs (level, service, pipeline_id, message)
             SELECT 'INFO', 'big', $1, 'big ' || g FROM generate_series(1, 3000) g`,
            [pipeline.id],
          ),
        );
        let midway = false;
        for (const until = Date.now() + 30_000; Date.now() < until && !midway; await sleep(20)) {
          const n = await stored();
          midway = n > 0 && n < 3000;
        }
        child.proc.kill('SIGKILL');
        await child.exited;
        expect(midway).toBe(true);
        child = start(env, { SOURCE_BATCH: '20' });
        const all = await waitFor(async () => (await stored()) === 3000, 30_000);
        child.proc.kill('SIGTERM');
        await child.exited;
        expect(all).toBe(true);
      }, 90_000);
    }

    // Only triggers read an outbox (registered only there: nothing skipped).
    if (mode === 'triggers') {
      it('reads the outbox in numeric order across a change in the number of digits', async () => {
        // Entry ids 9995…10014 in one transaction, batches of 7: ordered as text, "10000" would
        // come first and the batch after it would start past 9995…9999.
        const [pipeline] = await seedPipelines(env.db.url, 1);
        const logs = async () => (await storedState(env.db.url)).filter((s) => s.kind === 'log').length;
        const child = start(env, { SOURCE_BATCH: '7' });
        expect(await waitFor(async () => child.lastHealth?.connected === true, 30_000)).toBe(true);
        const before = await logs();
        await withClient(env.db.url, async (c) => {
          const { rows } = await c.query<{ n: string }>(
            `SELECT coalesce(max(id), 0)::text AS n FROM flexiroaster_ai.source_outbox`,
          );
          const restart = 10 ** String(Number(rows[0].n) + 5).length - 5;
          await c.query(`ALTER TABLE flexiroaster_ai.source_outbox ALTER COLUMN id RESTART WITH ${restart}`);
          await c.query(
            `INSERT INTO logs (level, service, pipeline_id, message)
             SELECT 'INFO', 'digits', $1, 'n' || g FROM generate_series(1, 20) g`,
            [pipeline.id],
          );
        });
        const all = await waitFor(async () => (await logs()) === before + 20, 30_000);
        child.proc.kill('SIGTERM');
        await child.exited;
        expect(all).toBe(true);
      }, 60_000);
    }

    it('keeps each source time to the millisecond whatever time zone the database writes in', async () => {
      const id = '00000000-0000-4000-8000-00000000d7a1';
      await withClient(env.db.url, async (c) => {
        // New sessions (the consumer's, the walsender's) then write times with a +05:30 offset.
        await c.query(`ALTER DATABASE "${env.db.name}" SET timezone = 'Asia/Kolkata'`);
        const { rows } = await c.query<{ id: string }>('SELECT id FROM pipelines LIMIT 1');
        await c.query(
          `INSERT INTO executions (id, pipeline_id, status, started_at, completed_at)
           VALUES ($1, $2, 'completed', '2026-11-29 03:15:12.123456+00', '2026-11-29 03:16:00.5+00')`,
          [id, rows[0].id],
        );
      });
      try {
        const child = start(env);
        const times = () =>
          withClient(env.db.url, async (c) => {
            const { rows } = await c.query<{ started: string; completed: string }>(
              `SELECT payload->>'started_at' AS started, payload->>'completed_at' AS completed
               FROM flexiroaster_ai.events WHERE key LIKE '%' || $1 ORDER BY id DESC LIMIT 1`,
              [id],
            );
            return rows[0] ?? null;
          });
        const seen = await waitFor(async () => (await times()) !== null, 30_000);
        child.proc.kill('SIGTERM');
        await child.exited;
        expect(seen).toBe(true);
        expect(await times()).toEqual({
          started: String(Date.UTC(2026, 10, 29, 3, 15, 12, 123)),
          completed: String(Date.UTC(2026, 10, 29, 3, 16, 0, 500)),
        });
      } finally {
        await withClient(env.db.url, (c) => c.query(`ALTER DATABASE "${env.db.name}" RESET timezone`));
      }
    }, 60_000);

    it('skips bad rows with a counted, logged reason and keeps going', async () => {
      await withClient(env.db.url, async (c) => {
        await c.query('ALTER TABLE executions DROP CONSTRAINT executions_status_check');
        const { rows } = await c.query<{ id: string }>('SELECT id FROM pipelines LIMIT 1');
        const p = rows[0].id;
        await c.query(`INSERT INTO executions (pipeline_id, status) VALUES ($1, 'exploded')`, [p]);
        await c.query(
          `INSERT INTO executions (pipeline_id, status, context) VALUES ($1, 'running', '[1, 2]')`,
          [p],
        );
        await c.query(
          `INSERT INTO metrics (metric_name, metric_type, value, tags) VALUES ('cpu_percent', 'gauge', 1, '"garbage"')`,
        );
        await c.query(
          `INSERT INTO metrics (metric_name, metric_type, value, tags) VALUES ('cpu_percent', 'gauge', 1, NULL)`,
        );
        await c.query(`INSERT INTO logs (level, message) VALUES ('INFO', 'no pipeline')`);
        await c.query(`INSERT INTO logs (level, pipeline_id, message) VALUES ('INFO', $1, 'good one')`, [p]);
      });
      const child = start(env);
      const seen = await waitFor(
        async () => child.rejects.length >= 5 && (child.lastHealth?.rejected ?? 0) >= 5,
        30_000,
      );
      child.proc.kill('SIGTERM');
      await child.exited;
      expect(seen).toBe(true);
      // A row may be reported again after a restart replays its batch; each reason is one of these.
      expect([...new Set(child.rejects)].sort()).toEqual(
        ['executions context', 'executions status', 'logs pipeline_id', 'metrics tags'].sort(),
      );
      const state = await storedState(env.db.url);
      expect(state.some((s) => s.kind === 'log')).toBe(true);
    }, 60_000);

    // Last: it leaves 300,000 rows in the slot, which a later test's consumer would have to take
    // first (tens of seconds on a busy machine) before it saw its own rows.
    if (mode === 'replication') {
      it('stops reading the stream while the store is behind', async () => {
        // 300,000 rows in one transaction, batches of 20, and a store that stops after 100 events:
        // the consumer reads a batch or two more, then leaves the rest with the server.
        const [pipeline] = await seedPipelines(env.db.url, 1);
        const child = start(env, { SOURCE_BATCH: '20', SOURCE_STALL_AFTER: '100' });
        expect(await waitFor(async () => child.lastHealth?.connected === true, 30_000)).toBe(true);
        await sleep(500);
        const before = child.heapUsed;
        await withClient(env.db.url, (c) =>
          c.query(
            `INSERT INTO logs (level, service, pipeline_id, message)
             SELECT 'INFO', 'stall', $1, 'stall ' || g FROM generate_series(1, 300000) g`,
            [pipeline.id],
          ),
        );
        let peak = 0;
        for (const until = Date.now() + 5000; Date.now() < until; await sleep(100))
          peak = Math.max(peak, child.heapUsed - before);
        child.proc.kill('SIGKILL');
        await child.exited;
        // Read whole, the rows alone would take well over 100 MB of heap.
        expect(peak).toBeGreaterThan(0);
        expect(peak).toBeLessThan(30_000_000);
      }, 90_000);
    }
  });
}
