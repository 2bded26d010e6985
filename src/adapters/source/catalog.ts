import { createHash } from 'node:crypto';
import type { PipelineMeta, StageMeta } from '../../ingest/index.js';
import type {
  PipelineCatalog,
  PipelineDirectory,
  PipelineInfo,
  PipelineStageInfo,
  PipelineVersion,
  SqlClient,
} from '../../ports/index.js';

const S = 'flexiroaster_ai';

type VersionRow = {
  pipeline_id: string;
  version: number;
  definition: Record<string, unknown>;
  schedule_cron: string | null;
  timeout_seconds: number | null;
  first_seen_at: Date | string;
};

/** Pipeline metadata in the service's schema: current state, every definition seen, stage metadata. */
export class SqlPipelineCatalog implements PipelineCatalog, PipelineDirectory {
  constructor(private readonly sql: SqlClient) {}

  /** Records pipelines' current metadata and any definition not seen before (one transaction). */
  async savePipelines(pipelines: readonly PipelineMeta[]): Promise<void> {
    if (pipelines.length === 0) return;
    await this.sql.transaction(async (tx) => {
      for (const p of pipelines) {
        await tx.query(
          `INSERT INTO ${S}.source_pipelines (pipeline_id, name, version, is_active, schedule_cron, timeout_seconds, definition, tags, source_updated_at, seen_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::text[], to_timestamp($9::float8 / 1000), now())
           ON CONFLICT (pipeline_id) DO UPDATE SET name = EXCLUDED.name, version = EXCLUDED.version,
             is_active = EXCLUDED.is_active, schedule_cron = EXCLUDED.schedule_cron,
             timeout_seconds = EXCLUDED.timeout_seconds, definition = EXCLUDED.definition, tags = EXCLUDED.tags,
             source_updated_at = EXCLUDED.source_updated_at, seen_at = now()`,
          [
            p.pipeline_id,
            p.name,
            p.version,
            p.is_active,
            p.schedule_cron,
            p.timeout_seconds,
            JSON.stringify(p.definition),
            p.tags,
            p.updated_at,
          ],
        );
        await tx.query(
          `INSERT INTO ${S}.pipeline_versions (pipeline_id, version, definition_hash, definition, schedule_cron, timeout_seconds)
           VALUES ($1, $2, $3, $4::jsonb, $5, $6) ON CONFLICT DO NOTHING`,
          [
            p.pipeline_id,
            p.version,
            definitionHash(p.definition),
            JSON.stringify(p.definition),
            p.schedule_cron,
            p.timeout_seconds,
          ],
        );
      }
    });
  }

  /** Records stage metadata (latest wins). */
  async saveStages(stages: readonly StageMeta[]): Promise<void> {
    if (stages.length === 0) return;
    await this.sql.query(
      `INSERT INTO ${S}.source_pipeline_stages (stage_id, pipeline_id, name, type, order_index, is_critical, config)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(stage_id text, pipeline_id text, name text, type text,
         order_index integer, is_critical boolean, config jsonb)
       ON CONFLICT (stage_id) DO UPDATE SET pipeline_id = EXCLUDED.pipeline_id, name = EXCLUDED.name,
         type = EXCLUDED.type, order_index = EXCLUDED.order_index, is_critical = EXCLUDED.is_critical,
         config = EXCLUDED.config, seen_at = now()`,
      [JSON.stringify(lastPerStage(stages))],
    );
  }

  /** Every stage's metadata (warms the consumer's cache at start). */
  async loadStages(): Promise<StageMeta[]> {
    const { rows } = await this.sql.query<StageMeta & Record<string, unknown>>(
      `SELECT stage_id, pipeline_id, name, type, order_index, is_critical, config FROM ${S}.source_pipeline_stages`,
    );
    return rows;
  }

  async getPipeline(pipelineId: string): Promise<PipelineInfo | null> {
    return (await this.pipelines('WHERE p.pipeline_id = $1', [pipelineId]))[0] ?? null;
  }

  listPipelines(): Promise<PipelineInfo[]> {
    return this.pipelines('ORDER BY p.pipeline_id', []);
  }

  async listStages(pipelineId: string): Promise<PipelineStageInfo[]> {
    const { rows } = await this.sql.query<PipelineStageInfo & Record<string, unknown>>(
      `SELECT stage_id, name, order_index, is_critical FROM ${S}.source_pipeline_stages
       WHERE pipeline_id = $1 ORDER BY order_index, stage_id`,
      [pipelineId],
    );
    return rows;
  }

  private async pipelines(filter: string, params: unknown[]): Promise<PipelineInfo[]> {
    const { rows } = await this.sql.query<VersionRow & { name: string; is_active: boolean; tags: string[] }>(
      `SELECT p.pipeline_id, p.name, p.version, p.is_active, p.schedule_cron, p.timeout_seconds, p.definition, p.tags,
         coalesce((SELECT v.first_seen_at FROM ${S}.pipeline_versions v
           WHERE v.pipeline_id = p.pipeline_id AND v.version = p.version ORDER BY v.seq DESC LIMIT 1), p.seen_at) AS first_seen_at
       FROM ${S}.source_pipelines p ${filter}`,
      params,
    );
    return rows.map((r) => ({ ...toVersion(r), name: r.name, is_active: r.is_active, tags: r.tags }));
  }

  async listVersions(pipelineId: string): Promise<PipelineVersion[]> {
    const { rows } = await this.sql.query<VersionRow>(
      `SELECT pipeline_id, version, definition, schedule_cron, timeout_seconds, first_seen_at
       FROM ${S}.pipeline_versions WHERE pipeline_id = $1 ORDER BY seq DESC`,
      [pipelineId],
    );
    return rows.map(toVersion);
  }

  async previousVersion(pipelineId: string, beforeVersion?: number): Promise<PipelineVersion | null> {
    const versions = await this.listVersions(pipelineId);
    const current =
      beforeVersion === undefined ? versions[0] : versions.find((v) => v.version === beforeVersion);
    if (current === undefined) return null;
    const currentHash = definitionHash(current.definition);
    const after = versions.indexOf(current);
    return versions.slice(after + 1).find((v) => definitionHash(v.definition) !== currentHash) ?? null;
  }
}

/** A stable hash of a definition (key order does not matter). */
export function definitionHash(definition: Record<string, unknown>): string {
  return createHash('md5').update(canonicalJson(definition)).digest('hex');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function lastPerStage(stages: readonly StageMeta[]): StageMeta[] {
  return [...new Map(stages.map((s) => [s.stage_id, s])).values()];
}

function toVersion(r: VersionRow): PipelineVersion {
  return {
    pipeline_id: r.pipeline_id,
    version: r.version,
    definition: r.definition,
    schedule_cron: r.schedule_cron,
    timeout_seconds: r.timeout_seconds,
    first_seen_at: new Date(r.first_seen_at).getTime(),
  };
}
