import { SOURCE_TABLES, type Row } from '../../ingest/index.js';
import type { SqlClient } from '../../ports/index.js';
import type { RowApplier } from './apply-rows.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import type { RunControl } from './run-control.js';
import { blockParams, blockRange, qualified, readBlockRanges, relationBlocks } from './tables.js';

/**
 * Saved poll position. Rows are found by the transaction that wrote them: every row version whose
 * xmin lies in [lo, hi) has been read, where hi was the oldest transaction still running when the
 * round began (pg_snapshot_xmin), so a transaction that commits late is read in a later round, and an
 * update (a new row version, a new xmin) is read again: status changes need no re-polling. Within a
 * round, `table` and `after` (the next block) say how far it got; tables are read in block ranges
 * (TID range scans, sequential I/O) rather than through an index.
 */
export interface PollPosition {
  lo: string | null;
  hi: string | null;
  table: number;
  after: string | null;
}

export interface PollOptions {
  name: string;
  /** The database holding the FlexiRoaster tables. */
  source: SqlClient;
  schema: string;
  /** The service's store (checkpoints). */
  store: SqlClient;
  applier: RowApplier;
  intervalMs: number;
  /** Rows per page (and per durable batch). @default 5000 */
  batchSize?: number;
}

const TWO_32 = 4294967296n;
const HALF = 2147483648n;

/** Polling change capture: exact under late commits, updates seen through new row versions. */
export class PollRunner {
  readonly mode = 'poll';
  // Rows read early (their transaction is above the horizon): skipped when their round comes.
  private readonly ahead = new Map<string, bigint>();

  constructor(private readonly o: PollOptions) {}

  /** Polls until stopped; rejects when the source fails (the supervisor reconnects). */
  async run(ctl: RunControl): Promise<void> {
    let pos = (await readCheckpoint<PollPosition>(this.o.store, this.o.name)) ?? {
      lo: null,
      hi: null,
      table: 0,
      after: null,
    };
    ctl.connected();
    while (!ctl.stopped()) {
      const roundStart = ctl.now();
      pos = await this.round(pos, ctl);
      ctl.caughtUp(roundStart);
      await ctl.sleep(this.o.intervalMs);
    }
  }

  private async round(start: PollPosition, ctl: RunControl): Promise<PollPosition> {
    let pos = start.hi === null ? { ...start, hi: await this.horizon(), table: 0, after: null } : start;
    const hi = BigInt(pos.hi as string);
    const lo = pos.lo === null ? hi - HALF : BigInt(pos.lo);
    for (let t = pos.table; t < SOURCE_TABLES.length && !ctl.stopped(); t++) {
      const table = SOURCE_TABLES[t];
      const after = t === pos.table ? pos.after : null;
      // Rows written before the horizon lie within the table's size now: new blocks hold only newer rows.
      await readBlockRanges({
        start: after === null ? 0 : Number(after),
        end: await relationBlocks(this.o.source, this.o.schema, table),
        targetRows: this.o.batchSize ?? 5000,
        fetch: (from, to) => this.range(table, lo, from, to),
        handle: async (rows, to) => {
          pos = { lo: pos.lo, hi: pos.hi, table: t, after: String(to) };
          const fresh = this.fresh(table, rows, lo, hi);
          if (fresh.length > 0) await this.o.applier.apply([{ table, rows: fresh }]);
          if (rows.length > 0) await writeCheckpoint(this.o.store, this.o.name, 'poll', pos);
        },
        stopped: ctl.stopped,
      });
      if (ctl.stopped()) {
        await writeCheckpoint(this.o.store, this.o.name, 'poll', pos);
        return pos;
      }
      pos = { lo: pos.lo, hi: pos.hi, table: t + 1, after: null };
    }
    const done: PollPosition = { lo: pos.hi, hi: null, table: 0, after: null };
    await writeCheckpoint(this.o.store, this.o.name, 'poll', done);
    for (const [k, x] of this.ahead) if (x < hi) this.ahead.delete(k);
    return done;
  }

  /** Oldest transaction still running: everything below it has finished. */
  private async horizon(): Promise<string> {
    const { rows } = await this.o.source.query<{ x: string }>(
      'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS x',
    );
    return rows[0].x;
  }

  /** Rows of blocks [from, to) whose xmin lies at or after lo (half the 32-bit xid circle). */
  private async range(table: (typeof SOURCE_TABLES)[number], lo: bigint, from: number, to: number) {
    const { rows } = await this.o.source.query<{ r: Row; x: string; id: string }>(
      `SELECT to_jsonb(t) AS r, t.xmin::text AS x, t.id::text AS id FROM ${qualified(this.o.schema, table)} t
       WHERE ${blockRange(2)} AND ((t.xmin::text::bigint - $1::bigint + 4294967296) & 4294967295) < 2147483648`,
      [String(lo % TWO_32), ...blockParams(from, to)],
    );
    return rows;
  }

  /** Drops rows already read early; remembers the ones read ahead of the horizon now. */
  private fresh(
    table: string,
    rows: readonly { r: Row; x: string; id: string }[],
    lo: bigint,
    hi: bigint,
  ): Row[] {
    const out: Row[] = [];
    for (const row of rows) {
      const x = widen(BigInt(row.x), lo);
      const key = `${table}:${row.id}:${row.x}`;
      if (this.ahead.has(key)) continue;
      if (x >= hi) this.ahead.set(key, x);
      out.push(row.r);
    }
    return out;
  }
}

/** A 32-bit xid as the 64-bit value at or after `lo` (the page query only returns such rows). */
function widen(x32: bigint, lo: bigint): bigint {
  return lo + ((x32 - (lo % TWO_32) + TWO_32) % TWO_32);
}
