import type {
  ModelKind,
  ModelStatus,
  ModelStore,
  ModelVersion,
  ModelVersionInfo,
  SqlClient,
} from '../../ports/index.js';

const S = 'flexiroaster_ai';
const INFO_COLS = `kind, model_version, status,
  (extract(epoch from training_window_start) * 1000)::float8 AS window_start,
  (extract(epoch from training_window_end) * 1000)::float8 AS window_end,
  contamination, feature_names, metrics, (extract(epoch from created_at) * 1000)::float8 AS created_at`;

type Row = Omit<ModelVersionInfo, 'training_window'> & {
  window_start: number | null;
  window_end: number | null;
  artifact?: string;
};

function toInfo(r: Row): ModelVersionInfo {
  const { window_start, window_end, artifact: _a, ...rest } = r;
  return {
    ...rest,
    training_window:
      window_start === null || window_end === null ? null : { start: window_start, end: window_end },
  };
}

/** The model registry table (migration 004). */
export class SqlModelStore implements ModelStore {
  constructor(private readonly sql: SqlClient) {}

  async insert(v: ModelVersion, retire: readonly ModelStatus[] = []): Promise<void> {
    await this.sql.transaction(async (tx) => {
      if (retire.length > 0) {
        await tx.query(
          `UPDATE ${S}.model_registry SET status = 'retired' WHERE kind = $1 AND status = ANY($2::text[])`,
          [v.kind, [...retire]],
        );
      }
      await tx.query(
        `INSERT INTO ${S}.model_registry (kind, model_version, status, artifact, training_window_start, training_window_end,
           contamination, feature_names, metrics, created_at)
         VALUES ($1, $2, $3, $4, to_timestamp($5::float8 / 1000), to_timestamp($6::float8 / 1000), $7, $8::text[], $9::jsonb,
           to_timestamp($10::float8 / 1000))`,
        [
          v.kind,
          v.model_version,
          v.status,
          v.artifact,
          v.training_window?.start ?? null,
          v.training_window?.end ?? null,
          v.contamination,
          v.feature_names,
          JSON.stringify(v.metrics),
          v.created_at,
        ],
      );
    });
  }

  async get(kind: ModelKind, modelVersion: string): Promise<ModelVersion | null> {
    const r = await this.sql.query<Row & { artifact: string }>(
      `SELECT ${INFO_COLS}, artifact FROM ${S}.model_registry WHERE kind = $1 AND model_version = $2`,
      [kind, modelVersion],
    );
    const row = r.rows[0];
    return row === undefined ? null : { ...toInfo(row), artifact: row.artifact };
  }

  async latest(kind: ModelKind, statuses: readonly ModelStatus[]): Promise<ModelVersion | null> {
    const r = await this.sql.query<Row & { artifact: string }>(
      `SELECT ${INFO_COLS}, artifact FROM ${S}.model_registry WHERE kind = $1 AND status = ANY($2::text[])
       ORDER BY seq DESC LIMIT 1`,
      [kind, [...statuses]],
    );
    const row = r.rows[0];
    return row === undefined ? null : { ...toInfo(row), artifact: row.artifact };
  }

  async list(
    kind: ModelKind,
    q: { limit: number; offset: number },
  ): Promise<{ items: ModelVersionInfo[]; total: number }> {
    const [items, total] = await Promise.all([
      this.sql.query<Row>(
        `SELECT ${INFO_COLS} FROM ${S}.model_registry WHERE kind = $1 ORDER BY seq DESC LIMIT $2 OFFSET $3`,
        [kind, q.limit, q.offset],
      ),
      this.sql.query<{ total: number }>(
        `SELECT count(*)::int AS total FROM ${S}.model_registry WHERE kind = $1`,
        [kind],
      ),
    ]);
    return { items: items.rows.map(toInfo), total: total.rows[0]?.total ?? 0 };
  }

  async setStatus(kind: ModelKind, modelVersion: string, status: ModelStatus): Promise<boolean> {
    const r = await this.sql.query<{ model_version: string }>(
      `UPDATE ${S}.model_registry SET status = $3 WHERE kind = $1 AND model_version = $2 RETURNING model_version`,
      [kind, modelVersion, status],
    );
    return r.rows.length > 0;
  }
}
