import type { Row, SourceTable } from '../../ingest/index.js';
import { SOURCE_TABLES } from '../../ingest/index.js';
import type { SqlClient } from '../../ports/index.js';
import type { RowApplier } from './apply-rows.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import type { RunControl } from './run-control.js';
import { copyTables, type CopyPosition } from './snapshot-copy.js';
import { qualified } from './tables.js';

/** The last outbox entry made durable, by (transaction id, entry id); `copy` while the first copy runs. */
export interface OutboxPosition {
  txid: string;
  id: string;
  copy: CopyPosition | null;
}

export interface TriggerOptions {
  name: string;
  source: SqlClient;
  schema: string;
  store: SqlClient;
  applier: RowApplier;
  /** How often the outbox is read. */
  intervalMs: number;
  /** @default 5000 */
  batchSize?: number;
}

const OUTBOX = 'flexiroaster_ai.source_outbox';
const TRIGGER = 'flexiroaster_ai_capture';

/**
 * Installs (idempotently) the capture triggers: every insert or update of a FlexiRoaster table writes
 * the new row into an outbox in the service's schema of the source database. Changes the source
 * schema, so it runs only when the operator asks for trigger mode.
 */
export async function installCaptureTriggers(source: SqlClient, schema: string): Promise<void> {
  // DDL on a table waits for its writers and holds back new ones: only touch what is missing, one
  // table per transaction (never two locks at once, so no deadlock with multi-table writers).
  const missing = await missingTriggers(source, schema);
  if (missing.length === 0) return;
  await source.exec(`
    CREATE SCHEMA IF NOT EXISTS flexiroaster_ai;
    CREATE TABLE IF NOT EXISTS ${OUTBOX} (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
      source_schema text NOT NULL,
      table_name text NOT NULL,
      row jsonb NOT NULL,
      captured_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );
    CREATE INDEX IF NOT EXISTS source_outbox_txid_idx ON ${OUTBOX} (txid, id);
    CREATE OR REPLACE FUNCTION flexiroaster_ai.capture_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      INSERT INTO ${OUTBOX} (source_schema, table_name, row) VALUES (TG_TABLE_SCHEMA, TG_TABLE_NAME, to_jsonb(NEW));
      RETURN NULL;
    END
    $fn$;`);
  for (const table of missing) {
    await source.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('flexiroaster_ai.capture'))`);
      if (!(await missingTriggers(tx, schema)).includes(table)) return;
      await tx.exec(`CREATE TRIGGER ${TRIGGER} AFTER INSERT OR UPDATE ON ${qualified(schema, table)}
        FOR EACH ROW EXECUTE FUNCTION flexiroaster_ai.capture_change()`);
    });
  }
}

async function missingTriggers(source: SqlClient, schema: string): Promise<string[]> {
  const { rows } = await source.query<{ relname: string }>(
    `SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE t.tgname = $1 AND n.nspname = $2`,
    [TRIGGER, schema],
  );
  const present = new Set(rows.map((r) => r.relname));
  return SOURCE_TABLES.filter((t) => !present.has(t));
}

/** Removes the capture triggers (the outbox stays until dropped by hand). */
export async function removeCaptureTriggers(source: SqlClient, schema: string): Promise<void> {
  for (const table of SOURCE_TABLES)
    await source.exec(`DROP TRIGGER IF EXISTS ${TRIGGER} ON ${qualified(schema, table)}`);
}

/**
 * Reads the outbox in (transaction id, entry id) order up to the oldest transaction still running,
 * so a transaction that commits late is never skipped; consumed entries are deleted once durable.
 */
export class TriggerRunner {
  readonly mode = 'triggers';

  constructor(private readonly o: TriggerOptions) {}

  /** Reads the outbox until stopped; rejects when the source fails. */
  async run(ctl: RunControl): Promise<void> {
    await installCaptureTriggers(this.o.source, this.o.schema);
    // First start: rows from before the triggers existed are copied; those changed meanwhile come
    // through the outbox as well and count once (event identity).
    let pos = (await readCheckpoint<OutboxPosition>(this.o.store, this.o.name)) ?? {
      txid: '0',
      id: '0',
      copy: { table: 0, after: null },
    };
    ctl.connected();
    // What earlier runs made durable but could not delete (crashed in between).
    await this.o.source.query(
      `DELETE FROM ${OUTBOX} WHERE source_schema = $1 AND (txid, id) <= ($2::xid8, $3::bigint)`,
      [this.o.schema, pos.txid, pos.id],
    );
    if (pos.copy !== null) {
      const { txid, id } = pos;
      const save = (copy: CopyPosition | null) =>
        writeCheckpoint(this.o.store, this.o.name, this.mode, { txid, id, copy });
      await save(pos.copy);
      if (!(await copyTables(this.o.source, this.o.schema, this.o.applier, pos.copy, save, ctl.stopped)))
        return;
      pos = { txid, id, copy: null };
      await save(null);
    }
    await this.drain(pos, ctl);
  }

  /**
   * Reads the outbox after `from` until stopped. The next batch is fetched while the current one is
   * stored, and the outbox range a checkpoint covers is deleted while the next batch is stored:
   * neither read nor delete waits on the store, and the checkpoint still follows durability.
   */
  private async drain(from: OutboxPosition, ctl: RunControl): Promise<void> {
    const limit = this.o.batchSize ?? 5000;
    let pos = from;
    let next: Promise<OutboxRead> | null = null;
    // The delete's failure (null: none), so that it never goes unhandled while the store writes.
    let cleanup: Promise<unknown> = Promise.resolve(null);
    try {
      while (!ctl.stopped()) {
        const { rows, startedAt } = settle(await (next ?? this.read(pos, limit, ctl)));
        next = null;
        if (rows.length === 0) {
          ctl.caughtUp(startedAt);
          await ctl.sleep(this.o.intervalMs);
          continue;
        }
        const last = rows[rows.length - 1];
        const done: OutboxPosition = { txid: last.txid, id: last.id, copy: null };
        if (rows.length === limit) next = this.read(done, limit, ctl);
        await this.o.applier.apply(group(rows));
        await writeCheckpoint(this.o.store, this.o.name, this.mode, done);
        // Only the range just made durable: a delete from the start would walk every dead entry
        // left by the earlier ones (a queue table's quadratic trap). A crash leaves a range behind;
        // the delete at each start removes it.
        const prev = pos;
        await rethrow(cleanup);
        cleanup = failureOf(
          this.o.source.query(
            `DELETE FROM ${OUTBOX} WHERE source_schema = $1 AND (txid, id) > ($2::xid8, $3::bigint)
             AND (txid, id) <= ($4::xid8, $5::bigint)`,
            [this.o.schema, prev.txid, prev.id, done.txid, done.id],
          ),
        );
        pos = done;
        if (rows.length < limit) {
          ctl.caughtUp(startedAt);
          await ctl.sleep(this.o.intervalMs);
        }
      }
      await rethrow(cleanup);
    } finally {
      // Nothing left running (or rejecting unhandled) after a failure or a stop.
      await Promise.allSettled([next, cleanup]);
    }
  }

  /** One outbox batch after `after`, up to the oldest running transaction; never rejects. */
  private read(after: OutboxPosition, limit: number, ctl: RunControl): Promise<OutboxRead> {
    const startedAt = ctl.now();
    return this.o.source
      .query<OutboxRow>(
        `SELECT o.txid::text AS txid, o.id::text AS id, o.table_name, o.row FROM ${OUTBOX} o
         WHERE o.source_schema = $1 AND o.txid < pg_snapshot_xmin(pg_current_snapshot())
           AND (o.txid, o.id) > ($2::xid8, $3::bigint)
         ORDER BY o.txid, o.id LIMIT $4`,
        [this.o.schema, after.txid, after.id, limit],
      )
      .then(
        ({ rows }) => ({ rows, startedAt, error: null }),
        (error: unknown) => ({ rows: [], startedAt, error }),
      );
  }
}

/** An outbox entry as read (ids as text: xid8 and bigint exceed a JS number). */
interface OutboxRow extends Record<string, unknown> {
  txid: string;
  id: string;
  table_name: string;
  row: Row;
}

/** A batch read; everything committed before `startedAt` and not yet read is in it or later ones. */
interface OutboxRead {
  rows: OutboxRow[];
  startedAt: number;
  error: unknown;
}

/** Resolves to what `p` rejected with, or null: a promise awaited later without going unhandled. */
function failureOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (err: unknown) => err ?? new Error('outbox delete failed'),
  );
}

async function rethrow(failure: Promise<unknown>): Promise<void> {
  const err = await failure;
  if (err !== null) throw err;
}

function settle(read: OutboxRead): OutboxRead {
  if (read.error !== null) throw read.error;
  return read;
}

function group(rows: readonly { table_name: string; row: Row }[]) {
  const byTable = new Map<SourceTable, Row[]>();
  for (const r of rows) {
    if (!(SOURCE_TABLES as readonly string[]).includes(r.table_name)) continue;
    const t = r.table_name as SourceTable;
    const list = byTable.get(t) ?? [];
    list.push(r.row);
    byTable.set(t, list);
  }
  return [...byTable].map(([table, list]) => ({ table, rows: list }));
}
