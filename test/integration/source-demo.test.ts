import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureDemoSchema,
  openStore,
  SqlPipelineCatalog,
  writeDemoRows,
  type Store,
} from '../../src/adapters/index.js';
import { createSourceConsumer, type SourceConsumer } from '../../src/adapters/source/index.js';
import { createFleet } from '../../src/demo/index.js';
import type { TelemetryEvent } from '../../src/domain/index.js';
import { parseCriticalTypes } from '../../src/ingest/index.js';
import { freshDataDir } from '../helpers/pglite.js';

const SCHEMA = 'flexiroaster_demo';
const T0 = Date.parse('2026-03-01T10:00:00Z');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Latest state per key, as the engine and a rebuild see it. */
function latest(events: readonly TelemetryEvent[]): Map<string, TelemetryEvent> {
  const out = new Map<string, TelemetryEvent>();
  for (const e of events) out.set(e.key, e);
  return out;
}

describe('the demo path: fleet rows in the embedded database, read by the poll consumer', () => {
  let dir: string;
  let store: Store;
  let consumer: SourceConsumer;
  const consumed: TelemetryEvent[] = [];
  beforeAll(async () => {
    dir = await freshDataDir();
    store = await openStore({ dataDir: dir, groupCommitMs: 0 });
    await ensureDemoSchema(store.sql, SCHEMA);
    await ensureDemoSchema(store.sql, SCHEMA); // a second start finds it in place
    consumer = createSourceConsumer({
      name: 'demo',
      mode: 'poll',
      source: store.sql,
      connectionString: null,
      schema: SCHEMA,
      store: store.sql,
      sink: async (events) => {
        await store.events.append(events);
        consumed.push(...events);
      },
      clock: { now: () => Date.now() },
      pollIntervalMs: 50,
      criticalTypes: parseCriticalTypes('input,transform,output'),
      random: () => 0.5,
    });
    consumer.start();
  });
  afterAll(async () => {
    await consumer?.stop();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('ends with the same executions and stages (final status, criticality) the fleet simulated', async () => {
    const fleet = createFleet({ seed: 3, pipelines: 3, startMs: T0, emit: 'both' });
    const expected: TelemetryEvent[] = [];
    for (let t = T0 + 600_000; t <= T0 + 3_600_000; t += 600_000) {
      const r = fleet.advanceTo(t);
      expected.push(...r.events);
      await writeDemoRows(store.sql, SCHEMA, r.rows);
    }
    const want = latest(expected.filter((e) => e.kind === 'execution' || e.kind === 'stage'));
    for (let i = 0; i < 100; i++) {
      const got = latest(consumed);
      if (
        [...want].every(
          ([k, e]) =>
            (got.get(k) as { status?: string } | undefined)?.status === (e as { status: string }).status,
        )
      )
        break;
      await sleep(100);
    }
    const got = latest(consumed);
    for (const [key, e] of want) {
      const g = got.get(key);
      expect(g?.kind, key).toBe(e.kind);
      if (e.kind === 'execution' && g?.kind === 'execution') expect(g.status).toBe(e.status);
      if (e.kind === 'stage' && g?.kind === 'stage')
        expect([g.status, g.is_critical, g.stage_name]).toEqual([e.status, e.is_critical, e.stage_name]);
    }
    expect([...got.values()].filter((e) => e.kind === 'execution')).toHaveLength(
      [...want.values()].filter((e) => e.kind === 'execution').length,
    );
    expect(consumer.health()).toMatchObject({ name: 'demo', mode: 'poll', connected: true, rejected: 0 });
  }, 30_000);

  it('keeps every definition version seen; the previous one is what a rollback restores', async () => {
    const { rows } = await store.sql.query<{ id: string }>(
      `SELECT id::text AS id FROM ${SCHEMA}.pipelines LIMIT 1`,
    );
    const id = rows[0].id;
    const catalog = new SqlPipelineCatalog(store.sql);
    const v1 = await catalog.getPipeline(id);
    expect(v1).not.toBeNull();
    await store.sql.query(
      `UPDATE ${SCHEMA}.pipelines SET version = version + 1, definition = definition || '{"batch_size": 7}', timeout_seconds = 99 WHERE id = $1`,
      [id],
    );
    for (let i = 0; i < 50 && (await catalog.listVersions(id)).length < 2; i++) await sleep(100);
    const versions = await catalog.listVersions(id);
    expect(versions.map((v) => v.version)).toEqual([v1!.version + 1, v1!.version]);
    expect(versions[0].definition.batch_size).toBe(7);
    expect(await catalog.getPipeline(id)).toMatchObject({ version: v1!.version + 1, timeout_seconds: 99 });
    const previous = await catalog.previousVersion(id);
    expect(previous).toMatchObject({ version: v1!.version, definition: v1!.definition });
    expect(await catalog.previousVersion('never-seen')).toBeNull();
  }, 20_000);
});
