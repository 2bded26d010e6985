import pg from 'pg';
import { LogicalReplicationService, type Pgoutput } from 'pg-logical-replication';
import { SOURCE_TABLES, type Row, type SourceTable } from '../../ingest/index.js';
import type { SqlClient } from '../../ports/index.js';
import { toError } from '../../shared/index.js';
import type { RowApplier, TableRows } from './apply-rows.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { acknowledgeArgument } from './lsn.js';
import { PgoutputRowsPlugin } from './pgoutput-rows.js';
import type { RunControl } from './run-control.js';
import { copyTables, type CopyPosition } from './snapshot-copy.js';
import { qualified } from './tables.js';

/** Durable position: the last commit whose rows are durable; `copy` while the first copy runs. */
export interface ReplicationPosition {
  lsn: string | null;
  copy: CopyPosition | null;
}

export interface ReplicationOptions {
  name: string;
  connectionString: string;
  /** Ordinary connection to the source (setup, initial copy, stage look-ups). */
  source: SqlClient;
  schema: string;
  store: SqlClient;
  applier: RowApplier;
  slot: string;
  publication: string;
  /** Rows gathered before a durable write. @default 5000 */
  batchSize?: number;
  /** Longest wait before gathered rows are written. @default 100 */
  flushMs?: number;
}

/**
 * Logical replication (pgoutput): a publication on the FlexiRoaster tables and a slot that keeps
 * changes until acknowledged. A commit is acknowledged only after its rows are durable, so the slot
 * replays whatever a crash interrupted. The first start copies the existing rows in the snapshot the
 * slot exports, then streams from the slot's consistent point.
 */
export class ReplicationRunner {
  readonly mode = 'replication';
  private service: LogicalReplicationService | null = null;

  constructor(private readonly o: ReplicationOptions) {}

  /** Streams until stopped; rejects when the connection fails. */
  async run(ctl: RunControl): Promise<void> {
    await this.ensurePublication();
    let pos = await readCheckpoint<ReplicationPosition>(this.o.store, this.o.name);
    // No finished copy, or no slot any more (dropped by hand: changes are gone): start over.
    if (pos === null || pos.copy !== null || !(await this.slotExists())) {
      const lsn = await this.createSlotAndCopy(ctl);
      if (lsn === null) return;
      pos = { lsn, copy: null };
      await writeCheckpoint(this.o.store, this.o.name, this.mode, pos);
    }
    if (ctl.stopped()) return;
    await this.stream(pos.lsn, ctl);
  }

  async interrupt(): Promise<void> {
    await this.service?.stop();
  }

  /**
   * Creates the slot and copies the tables as of the slot's consistent point (its exported
   * snapshot), so the copy and the stream meet exactly: nothing in between, nothing older replayed
   * after newer. An interrupted copy cannot be resumed (the snapshot dies with its session): the
   * next run drops the slot and starts again. Returns the point the stream starts from, or null
   * when stopped.
   */
  private async createSlotAndCopy(ctl: RunControl): Promise<string | null> {
    await this.dropSlot();
    await writeCheckpoint(this.o.store, this.o.name, this.mode, {
      lsn: null,
      copy: { table: 0, after: null },
    });
    const repl = new pg.Client({
      connectionString: this.o.connectionString,
      replication: 'database',
    } as pg.ClientConfig);
    await repl.connect();
    try {
      const { rows } = await repl.query<{ consistent_point: string; snapshot_name: string }>(
        `CREATE_REPLICATION_SLOT "${this.o.slot}" LOGICAL pgoutput EXPORT_SNAPSHOT`,
      );
      const { consistent_point: lsn, snapshot_name: snapshot } = rows[0];
      const copied = await this.o.source.transaction(async (tx) => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        await tx.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`);
        return copyTables(
          tx,
          this.o.schema,
          this.o.applier,
          { table: 0, after: null },
          async () => undefined,
          ctl.stopped,
        );
      });
      return copied ? lsn : null;
    } finally {
      await repl.end().catch(() => undefined);
    }
  }

  /** Drops our slot (ending the session that holds it, e.g. a killed run's walsender). */
  private async dropSlot(): Promise<void> {
    const { rows } = await this.o.source.query<{ pid: number | null }>(
      'SELECT active_pid AS pid FROM pg_replication_slots WHERE slot_name = $1',
      [this.o.slot],
    );
    if (rows.length === 0) return;
    if (rows[0].pid !== null) await this.o.source.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    await this.o.source.query('SELECT pg_drop_replication_slot($1)', [this.o.slot]);
  }

  private async slotExists(): Promise<boolean> {
    const { rows } = await this.o.source.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [
      this.o.slot,
    ]);
    return rows.length > 0;
  }

  /** Creates the publication on the six tables when missing. */
  private async ensurePublication(): Promise<void> {
    const { rows } = await this.o.source.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [
      this.o.publication,
    ]);
    if (rows.length > 0) return;
    const tables = SOURCE_TABLES.map((t) => qualified(this.o.schema, t)).join(', ');
    await this.o.source.exec(`CREATE PUBLICATION "${this.o.publication}" FOR TABLE ${tables}`);
  }

  private stream(fromLsn: string | null, ctl: RunControl): Promise<void> {
    const o = this.o;
    const service = new LogicalReplicationService(
      { connectionString: o.connectionString, application_name: 'flexiroaster-ai-replication' },
      // The library's own acknowledgements would confirm changes not yet durable: off. Its flow
      // control (a queue and two awaits per message) is off too: messages come in order, at once,
      // and the stream is paused here while the store is behind.
      { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: false } },
    );
    this.service = service;
    const batchSize = o.batchSize ?? 5000;
    const flushMs = o.flushMs ?? 100;
    let durableLsn = fromLsn ?? '0/0';
    let inTx = false;
    // Rows of committed transactions and of the one being received: a large transaction is applied
    // in batches as it arrives instead of held whole in memory; only its commit moves the checkpoint.
    let pending = new Map<SourceTable, Row[]>();
    let pendingRows = 0;
    let pendingLsn: string | null = null;
    let pendingCommitMs = 0;
    let lastFlush = ctl.now();
    let failure: Error | null = null;
    let chain: Promise<void> = Promise.resolve();
    const confirm = async (lsn: string) => {
      const arg = acknowledgeArgument(lsn);
      if (arg !== null) await service.acknowledge(arg);
    };

    return new Promise<void>((resolve, reject) => {
      const fail = (err: unknown) => {
        if (failure !== null) return;
        failure = toError(err);
        void service.stop().finally(() => reject(failure));
      };
      const flush = (): Promise<void> =>
        (chain = chain.then(async () => {
          if (failure !== null || (pendingLsn === null && pendingRows === 0)) return;
          const batch: TableRows[] = [...pending].map(([table, rows]) => ({ table, rows }));
          const lsn = pendingLsn;
          const committedAt = pendingCommitMs;
          pending = new Map();
          pendingRows = 0;
          pendingLsn = null;
          lastFlush = ctl.now();
          try {
            await o.applier.apply(batch);
            // Rows of a transaction whose commit has not arrived yet are durable but not confirmed:
            // after a crash the slot sends the whole transaction again (event identity absorbs it).
            if (lsn === null) return;
            await writeCheckpoint(o.store, o.name, 'replication', { lsn, copy: null });
            durableLsn = lsn;
            await confirm(lsn);
            if (pendingLsn === null && !inTx) ctl.caughtUp(ctl.now());
            else ctl.caughtUp(committedAt);
          } catch (err) {
            fail(err);
          }
        }));
      // Starts writing the gathered rows and pauses the stream until the write before it is done
      // (backpressure from the store to the server): the next batch is received while this one is
      // written. Messages the connection already holds still arrive while paused and join the batch.
      let paused = false;
      // While paused, rows gather past batchSize and go with the next flush.
      const flushBehind = (): void => {
        if (paused) return;
        const before = chain;
        void flush();
        paused = true;
        connectionStream(service)?.pause();
        void before.then(() => {
          paused = false;
          connectionStream(service)?.resume();
        });
      };
      const timer = setInterval(() => {
        if (pendingLsn !== null && ctl.now() - lastFlush >= flushMs) void flush();
      }, flushMs);
      timer.unref();

      service.on('data', (_lsn: string, msg: Pgoutput.Message) => {
        if (failure !== null) return;
        switch (msg.tag) {
          case 'begin':
            inTx = true;
            break;
          case 'insert':
          case 'update': {
            const rel = msg.relation;
            if (!inTx || rel.schema !== o.schema || !(SOURCE_TABLES as readonly string[]).includes(rel.name))
              break;
            const list = pending.get(rel.name as SourceTable) ?? [];
            list.push(msg.new);
            pending.set(rel.name as SourceTable, list);
            if (++pendingRows >= batchSize) flushBehind();
            break;
          }
          case 'commit': {
            inTx = false;
            pendingLsn = msg.commitEndLsn;
            pendingCommitMs = Number(msg.commitTime) / 1000;
            if (pendingRows >= batchSize || ctl.now() - lastFlush >= flushMs) flushBehind();
            break;
          }
        }
      });
      service.on('heartbeat', async (_lsn: string, _ts: number, shouldRespond: boolean) => {
        if (failure !== null) return;
        await chain;
        // Every message before this keepalive has been handed over (no queue in between).
        if (pendingLsn === null && !inTx) ctl.caughtUp(ctl.now());
        // Only positions whose rows are durable are confirmed; a keepalive's position may run
        // ahead of changes the server has not sent yet.
        if (shouldRespond && failure === null) await confirm(durableLsn);
      });
      service.on('error', fail);
      service.on('start', () => ctl.connected());
      service
        .subscribe(
          new PgoutputRowsPlugin({ protoVersion: 1, publicationNames: [o.publication] }),
          o.slot,
          fromLsn ?? '0/0',
        )
        .then(
          async () => {
            clearInterval(timer);
            await chain;
            if (failure === null && ctl.stopped()) resolve();
            else fail(new Error('replication stream ended'));
          },
          (err: unknown) => {
            clearInterval(timer);
            fail(err);
          },
        );
    });
  }
}

/** The replication connection's socket (not public API: the library pauses it the same way). */
function connectionStream(service: LogicalReplicationService): { pause(): void; resume(): void } | undefined {
  return (service as unknown as { _connection?: { stream?: { pause(): void; resume(): void } } })._connection
    ?.stream;
}
