import type {
  ModelKind,
  ModelListQuery,
  ModelStatus,
  ModelStore,
  ModelVersion,
  ModelVersionInfo,
  SqlClient,
  StatusChange,
} from '../../ports/index.js';
import { AppError } from '../../shared/index.js';
import { sqlStateOf } from '../sql/sql-error.js';

const S = 'flexiroaster_ai';
const INFO_COLS = `kind, model_version, status,
  (extract(epoch from training_window_start) * 1000)::float8 AS window_start,
  (extract(epoch from training_window_end) * 1000)::float8 AS window_end,
  contamination, feature_names, metrics, (extract(epoch from created_at) * 1000)::float8 AS created_at,
  rollout_share, previous_full`;
const UNIQUE_VIOLATION = '23505';

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

/** Another process made a version full or canary at the same time: one of each per kind. */
function onePerKind(kind: ModelKind, err: unknown): unknown {
  if (sqlStateOf(err) !== UNIQUE_VIOLATION) return err;
  return new AppError('CONFLICT', `another ${kind} version became full or canary at the same time; retry`, {
    cause: err,
  });
}

/** The model registry table (migrations 004, 007). */
export class SqlModelStore implements ModelStore {
  constructor(private readonly sql: SqlClient) {}

  async insert(v: ModelVersion, retire: readonly ModelStatus[] = []): Promise<void> {
    await this.insertOrThrow(v, retire).catch((err: unknown) => {
      throw onePerKind(v.kind, err);
    });
  }

  private async insertOrThrow(v: ModelVersion, retire: readonly ModelStatus[]): Promise<void> {
    await this.sql.transaction(async (tx) => {
      if (retire.length > 0) {
        await tx.query(
          `UPDATE ${S}.model_registry SET status = 'retired', rollout_share = NULL
           WHERE kind = $1 AND status = ANY($2::text[])`,
          [v.kind, [...retire]],
        );
      }
      await tx.query(
        `INSERT INTO ${S}.model_registry (kind, model_version, status, artifact, training_window_start, training_window_end,
           contamination, feature_names, metrics, created_at, rollout_share, previous_full)
         VALUES ($1, $2, $3, $4, to_timestamp($5::float8 / 1000), to_timestamp($6::float8 / 1000), $7, $8::text[], $9::jsonb,
           to_timestamp($10::float8 / 1000), $11, $12)`,
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
          v.rollout_share,
          v.previous_full,
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

  async list(q: ModelListQuery): Promise<{ items: ModelVersionInfo[]; total: number }> {
    const where = `($1::text IS NULL OR kind = $1)
      AND ($2::float8 IS NULL OR created_at >= to_timestamp($2::float8 / 1000))
      AND ($3::float8 IS NULL OR created_at < to_timestamp($3::float8 / 1000))`;
    const params = [q.kind ?? null, q.since ?? null, q.until ?? null];
    const [items, total] = await Promise.all([
      this.sql.query<Row>(
        `SELECT ${INFO_COLS} FROM ${S}.model_registry WHERE ${where} ORDER BY seq DESC LIMIT $4 OFFSET $5`,
        [...params, q.limit, q.offset],
      ),
      this.sql.query<{ total: number }>(
        `SELECT count(*)::int AS total FROM ${S}.model_registry WHERE ${where}`,
        params,
      ),
    ]);
    return { items: items.rows.map(toInfo), total: total.rows[0]?.total ?? 0 };
  }

  async withStatus(kind: ModelKind, statuses: readonly ModelStatus[]): Promise<ModelVersion[]> {
    const r = await this.sql.query<Row & { artifact: string }>(
      `SELECT ${INFO_COLS}, artifact FROM ${S}.model_registry WHERE kind = $1 AND status = ANY($2::text[])
       ORDER BY seq DESC`,
      [kind, [...statuses]],
    );
    return r.rows.map((row) => ({ ...toInfo(row), artifact: row.artifact }));
  }

  async update(kind: ModelKind, changes: readonly StatusChange[]): Promise<void> {
    await this.sql
      .transaction(async (tx) => {
        for (const c of changes) {
          const r = await tx.query<{ model_version: string }>(
            `UPDATE ${S}.model_registry SET status = $4, rollout_share = $5,
               previous_full = CASE WHEN $6::boolean THEN $7 ELSE previous_full END
             WHERE kind = $1 AND model_version = $2 AND status = $3 RETURNING model_version`,
            [
              kind,
              c.model_version,
              c.from,
              c.to,
              c.rollout_share,
              c.previous_full !== undefined,
              c.previous_full ?? null,
            ],
          );
          if (r.rows.length === 0) {
            // Thrown inside the transaction so that the changes before this one are undone too.
            throw new AppError(
              'CONFLICT',
              `${kind} model ${c.model_version} is no longer ${c.from} (changed meanwhile); retry`,
            );
          }
        }
      })
      .catch((err: unknown) => {
        throw onePerKind(kind, err);
      });
  }
}
