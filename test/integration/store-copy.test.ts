/**
 * The flush's binary COPY against both databases: every column holds what the former
 * INSERT … SELECT over the JSON text computed from the payload, whatever the text holds, and
 * the event identity rules (every state a row, newest wins, a repeat changes nothing) hold.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ClosableSqlClient } from '../../src/adapters/index.js';
import { toCopyBatch } from '../../src/adapters/events/sql/insert-batch.js';
import { openStore, type Store } from '../../src/adapters/index.js';
import type { LogEvent, TelemetryEvent } from '../../src/domain/index.js';
import { serializeEvent } from '../../src/adapters/internal.js';
import { collect, execution, metric, T0 } from '../helpers/events.js';
import { storeBackends, type BackendEnv } from '../helpers/store-backends.js';

const log = (n: number, message: string, t = T0, pipeline = 'p1'): LogEvent => ({
  kind: 'log',
  key: `l:${pipeline}:${n}`,
  pipeline_id: pipeline,
  event_time: t,
  received_at: t,
  execution_id: null,
  stage_id: null,
  level: 'ERROR',
  message,
});

// Rows whose columns differ from what the JSON path derives from their own payload.
const MISMATCHED_COLUMNS = `
SELECT id::text, key, pipeline_id, event_time::text, received_at::text
FROM flexiroaster_ai.events
WHERE key IS DISTINCT FROM payload->>'key'
   OR kind IS DISTINCT FROM payload->>'kind'
   OR pipeline_id IS DISTINCT FROM payload->>'pipeline_id'
   OR event_time IS DISTINCT FROM to_timestamp((payload->>'event_time')::float8 / 1000)
   OR received_at IS DISTINCT FROM to_timestamp((payload->>'received_at')::float8 / 1000)`;

for (const backend of await storeBackends('store_copy')) {
  describe.skipIf(backend.skip !== null)(`COPY flush on ${backend.name}`, () => {
    let env: BackendEnv;
    let store: Store;

    beforeAll(async () => {
      env = await backend.setup();
      store = await openStore({ ...(await env.storeOptions()), flushIntervalMs: 60_000 });
    });
    afterAll(async () => {
      await store?.close();
      await env?.teardown();
    });
    afterEach(async () => {
      await store.events.flush();
      await store.events.prune(Number.MAX_SAFE_INTEGER);
    });

    const mismatches = async () => (await store.sql.query(MISMATCHED_COLUMNS)).rows;

    it('stores odd texts exactly: tabs, newlines, backslashes, quotes, unicode, big JSON', async () => {
      const texts = [
        'tab\there',
        'line1\nline2\r\nline3',
        'back\\slash \\N \\. \\\\',
        `quotes "double" 'single' \`back\``,
        'unicode é 漢字 🎉 e\u0301 \u200b \u2028',
        'comma, semicolon; pipe| copy-ish \\t\\n end',
        '{"looks": ["like", "json"]}',
        'x'.repeat(2_000_000),
      ];
      const events: TelemetryEvent[] = texts.map((text, i) => log(i, text, T0 + i));
      events.push({ ...log(100, 'key and pipeline odd', T0 + 100, 'pipe\tline\\\n"é"'), key: 'k\t\\\n"🎉"' });
      await store.events.append(events);
      await store.events.flush();
      expect(await mismatches()).toEqual([]);
      const back = await collect(store.events.scanSince(T0));
      expect(back).toEqual(events);
    });

    it('stores NUL and lone surrogates as U+FFFD in columns and payload alike', async () => {
      const odd = { ...log(1, 'nul\u0000here lone\ud800', T0, 'p\u0000x'), key: 'k\udc00\u0000' };
      await store.events.append([odd]);
      await store.events.flush();
      expect(await mismatches()).toEqual([]);
      const [back] = await collect(store.events.scanSince(T0));
      expect(back).toMatchObject({
        key: 'k\ufffd\ufffd',
        pipeline_id: 'p\ufffdx',
        message: 'nul\ufffdhere lone\ufffd',
      });
    });

    it('converts times exactly as to_timestamp(ms / 1000): fractions, halves, year 1 to 275760', async () => {
      const times = [
        T0 + 0.5,
        T0 + 0.0005, // half a microsecond
        T0 + 0.0015,
        1_767_225_600_123.4567,
        -1, // before 1970
        -62_135_596_800_000, // 0001-01-01
        8_640_000_000_000_000, // the last JavaScript date (year 275760)
        0,
      ];
      await store.events.append(times.map((t, i) => ({ ...metric(i, t, t), received_at: t })));
      await store.events.flush();
      expect(await mismatches()).toEqual([]);
      const { rows } = await store.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM flexiroaster_ai.events WHERE event_time = received_at`,
      );
      expect(rows[0].n).toBe(times.length);
    });

    it('keeps identity: every state a row in order, the newest state wins, a repeat changes nothing', async () => {
      await store.events.append([metric(1, T0 + 1), execution('e1', 'running', T0 + 2)]);
      await store.events.flush();
      // One batch mixing new events, a repeat of a stored one, and a later state of a stored one.
      const batch = [
        metric(2, T0 + 3),
        metric(1, T0 + 1), // repeat
        execution('e1', 'completed', T0 + 4), // replaces running
        execution('e2', 'running', T0 + 5),
        execution('e2', 'failed', T0 + 6), // replaces within the same batch
      ];
      await store.events.append(batch);
      await store.events.flush();
      const { rows } = await store.sql.query<{ key: string; status: string | null }>(
        `SELECT key, payload->>'status' AS status FROM flexiroaster_ai.events ORDER BY id`,
      );
      expect(rows).toEqual([
        { key: 'm:p1:1', status: null },
        { key: 'x:p1:e1', status: 'running' },
        { key: 'm:p1:2', status: null },
        { key: 'm:p1:1', status: null },
        { key: 'x:p1:e1', status: 'completed' },
        { key: 'x:p1:e2', status: 'running' },
        { key: 'x:p1:e2', status: 'failed' },
      ]);
      const latest = await collect(store.events.scanSince(T0));
      expect(latest.map((e) => [e.key, 'status' in e ? e.status : null])).toEqual([
        ['m:p1:1', null],
        ['m:p1:2', null],
        ['x:p1:e1', 'completed'],
        ['x:p1:e2', 'failed'],
      ]);
    });

    // Opens the file's own database (apart from the store's): seconds for a PGlite, more under load.
    it('inserts only the rows past the checkpoint when part of a batch is already in, and none when its predecessor is missing', async () => {
      const db: ClosableSqlClient = await env.sql();
      await env.reset();
      const journalId = 'copy-test-journal';
      await db.query(
        'INSERT INTO flexiroaster_ai.journal_checkpoints (journal_id, flushed_seq) VALUES ($1, 12)',
        [journalId],
      );
      // Sequence numbers 11..15: 11 and 12 are in already.
      const events = [1, 2, 3, 4, 5].map((n) => log(n, `tab\t${n}`, T0 + n));
      const batch = toCopyBatch({ lines: events.map(serializeEvent), events, lastSeq: 15 }, 0);
      expect(await db.insertEvents(journalId, batch)).toBe(3);
      const again = toCopyBatch({ lines: events.map(serializeEvent), events, lastSeq: 15 }, 0);
      expect(await db.insertEvents(journalId, again)).toBe(0);
      const { rows } = await db.query<{ key: string }>('SELECT key FROM flexiroaster_ai.events ORDER BY id');
      expect(rows.map((r) => r.key)).toEqual(['l:p1:3', 'l:p1:4', 'l:p1:5']);
      const cp = await db.query<{ seq: number }>(
        'SELECT flushed_seq::int AS seq FROM flexiroaster_ai.journal_checkpoints WHERE journal_id = $1',
        [journalId],
      );
      expect(cp.rows[0].seq).toBe(15);
      // A batch whose predecessor (up to 18) is not in: refused, nothing inserted, checkpoint kept.
      const later = [6, 7].map((n) => log(n, `later ${n}`, T0 + n));
      const ahead = toCopyBatch({ lines: later.map(serializeEvent), events: later, lastSeq: 20 }, 18);
      await expect(db.insertEvents(journalId, ahead)).rejects.toThrow(/checkpoint is at 15.*needs 18/);
      const after = await db.query<{ n: number; seq: number }>(
        `SELECT (SELECT count(*)::int FROM flexiroaster_ai.events) AS n,
                (SELECT flushed_seq::int FROM flexiroaster_ai.journal_checkpoints WHERE journal_id = $1) AS seq`,
        [journalId],
      );
      expect(after.rows[0]).toEqual({ n: 3, seq: 15 });
      await env.reset();
    }, 120_000);
  });
}
