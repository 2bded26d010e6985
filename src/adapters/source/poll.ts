import { SOURCE_TABLES, type Row } from '../../ingest/index.js';
import type { SqlClient } from '../../ports/index.js';
import type { RowApplier } from './apply-rows.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import type { RunControl } from './run-control.js';
import { qualified } from './tables.js';

/**
 * Saved poll position. Rows are found by the transaction that wrote them: every row version whose
 * xmin lies in [lo, hi) has been read, where hi was the oldest transaction still running when the
 * round began (pg_snapshot_xmin), so a transaction that commits late is read in a later round, and an
 * update (a new row version, a new xmin) is read again: status changes need no re-polling. Within a
 * round, `table` and `after` (a ctid) say how far the pages got; pages follow the physical order
 * (a TID range scan, sequential I/O) rather than an index.
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
    const limit = this.o.batchSize ?? 5000;
    for (let t = pos.table; t < SOURCE_TABLES.length && !ctl.stopped(); t++) {
      const table = SOURCE_TABLES[t];
      let after = t === pos.table ? pos.after : null;
      // The next page is read while this one is made durable: the source and the store work at once.
      let next = this.page(table, lo, after, limit);
      for (;;) {
        const rows = await next;
        if (rows.length === 0) break;
        after = rows[rows.length - 1].c;
        const full = rows.length === limit && !ctl.stopped();
        next = full ? this.page(table, lo, after, limit) : Promise.resolve([]);
        pos = { lo: pos.lo, hi: pos.hi, table: t, after };
        try {
          await this.o.applier.apply([{ table, rows: this.fresh(table, rows, lo, hi) }]);
          await writeCheckpoint(this.o.store, this.o.name, 'poll', pos);
        } catch (err) {
          await next.catch(() => undefined);
          throw err;
        }
        if (!full) break;
      }
      if (ctl.stopped()) return pos;
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

  /** One page, in physical order after `after`, of rows whose xmin lies at or after lo (half the xid circle). */
  private async page(table: (typeof SOURCE_TABLES)[number], lo: bigint, after: string | null, limit: number) {
    const { rows } = await this.o.source.query<{ r: Row; x: string; id: string; c: string }>(
      `SELECT to_jsonb(t) AS r, t.xmin::text AS x, t.id::text AS id, t.ctid::text AS c FROM ${qualified(this.o.schema, table)} t
       WHERE t.ctid > $2::tid AND ((t.xmin::text::bigint - $1::bigint + 4294967296) & 4294967295) < 2147483648
       ORDER BY t.ctid LIMIT $3`,
      [String(lo % TWO_32), after ?? '(0,0)', limit],
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
