/** A ModelStore in memory with the SQL store's rules (compare-and-set changes, one full and one canary per kind). */
import type {
  ModelKind,
  ModelListQuery,
  ModelStatus,
  ModelStore,
  ModelVersion,
  ModelVersionInfo,
  StatusChange,
} from '../../src/ports/index.js';
import { AppError } from '../../src/shared/index.js';

export class MemoryModelStore implements ModelStore {
  /** Oldest first, like the table's seq. */
  readonly rows: ModelVersion[] = [];
  /** Calls of withStatus (what routing loads). */
  loads = 0;

  async insert(version: ModelVersion, retire: readonly ModelStatus[] = []): Promise<void> {
    const next = this.rows.map((r) =>
      r.kind === version.kind && retire.includes(r.status)
        ? { ...r, status: 'retired' as const, rollout_share: null }
        : r,
    );
    next.push({ ...version });
    this.commit(next);
  }

  async get(kind: ModelKind, modelVersion: string): Promise<ModelVersion | null> {
    const r = this.rows.find((v) => v.kind === kind && v.model_version === modelVersion);
    return r === undefined ? null : { ...r };
  }

  async latest(kind: ModelKind, statuses: readonly ModelStatus[]): Promise<ModelVersion | null> {
    return (await this.withStatus(kind, statuses, false))[0] ?? null;
  }

  async withStatus(kind: ModelKind, statuses: readonly ModelStatus[], count = true): Promise<ModelVersion[]> {
    if (count) this.loads++;
    return this.rows
      .filter((v) => v.kind === kind && statuses.includes(v.status))
      .reverse()
      .map((v) => ({ ...v }));
  }

  async list(q: ModelListQuery): Promise<{ items: ModelVersionInfo[]; total: number }> {
    const all = this.rows
      .filter(
        (v) =>
          (q.kind === undefined || v.kind === q.kind) &&
          (q.since === undefined || v.created_at >= q.since) &&
          (q.until === undefined || v.created_at < q.until),
      )
      .reverse()
      .map(({ artifact: _a, ...info }) => info);
    return { items: all.slice(q.offset, q.offset + q.limit), total: all.length };
  }

  async update(kind: ModelKind, changes: readonly StatusChange[]): Promise<void> {
    const next = this.rows.map((r) => ({ ...r }));
    for (const c of changes) {
      const r = next.find((v) => v.kind === kind && v.model_version === c.model_version);
      if (r === undefined || r.status !== c.from) {
        throw new AppError('CONFLICT', `${kind} model ${c.model_version} is no longer ${c.from}`);
      }
      r.status = c.to;
      r.rollout_share = c.rollout_share;
      if (c.previous_full !== undefined) r.previous_full = c.previous_full;
    }
    this.commit(next);
  }

  private commit(next: ModelVersion[]): void {
    for (const status of ['full', 'canary'] as const) {
      for (const kind of new Set(next.map((v) => v.kind))) {
        if (next.filter((v) => v.kind === kind && v.status === status).length > 1) {
          throw new AppError('CONFLICT', `two ${status} ${kind} versions`);
        }
      }
    }
    this.rows.splice(0, this.rows.length, ...next);
  }
}
