import type { ModelKind, ModelVersion } from '../ports/index.js';
import { toError, type Clock } from '../shared/index.js';
import { RouteTable } from './routing.js';

interface Entry {
  table: RouteTable;
  loadedAt: number;
}

/**
 * Route tables per kind, kept in memory so routing costs no database round trip. A table older than
 * `refreshMs` is reloaded on the next call (another process may have moved a version); `invalidate`
 * drops a kind's table at once (a transition made here). Concurrent callers share one load, and a load
 * that started before an invalidation never puts its older answer back.
 */
export class RouteCache {
  private readonly entries = new Map<ModelKind, Entry>();
  private readonly loading = new Map<ModelKind, Promise<RouteTable>>();
  private readonly generation = new Map<ModelKind, number>();

  constructor(
    private readonly load: (kind: ModelKind) => Promise<ModelVersion[]>,
    private readonly clock: Clock,
    private readonly refreshMs: number,
    /** Told when a reload fails while an older table can still answer. */
    private readonly onError: (err: Error) => void,
  ) {}

  /** The kind's route table, at most `refreshMs` old (older only while the store fails). */
  get(kind: ModelKind): RouteTable | Promise<RouteTable> {
    const entry = this.entries.get(kind);
    if (entry !== undefined && this.clock.now() - entry.loadedAt < this.refreshMs) return entry.table;
    return this.loading.get(kind) ?? this.reload(kind, entry);
  }

  /** Forgets the kind's table: the next call reads the store. */
  invalidate(kind: ModelKind): void {
    this.entries.delete(kind);
    this.loading.delete(kind);
    this.generation.set(kind, (this.generation.get(kind) ?? 0) + 1);
  }

  private reload(kind: ModelKind, stale: Entry | undefined): Promise<RouteTable> {
    const gen = this.generation.get(kind) ?? 0;
    const current = () => (this.generation.get(kind) ?? 0) === gen;
    const startedAt = this.clock.now();
    const p = this.load(kind)
      .then(
        (live) => {
          const table = new RouteTable(live);
          if (current()) this.entries.set(kind, { table, loadedAt: startedAt });
          return table;
        },
        (raw: unknown) => {
          // Routing keeps working on the last known table while the store is down; retried after refreshMs.
          if (stale === undefined || !current()) throw raw;
          this.onError(toError(raw));
          this.entries.set(kind, { table: stale.table, loadedAt: startedAt });
          return stale.table;
        },
      )
      .finally(() => {
        if (this.loading.get(kind) === p) this.loading.delete(kind);
      });
    this.loading.set(kind, p);
    return p;
  }
}
