import type {
  PipelineTemplateRow,
  SqlClient,
  StoredTemplates,
  TemplateChanges,
  TemplateRow,
  TemplateStore,
} from '../../ports/index.js';

const S = 'flexiroaster_ai';
const ms = (col: string) => `(extract(epoch from ${col}) * 1000)::float8 AS ${col}`;
const ts = (col: string) => `to_timestamp(${col}::float8 / 1000)`;

/** Mined templates, merge aliases and per-pipeline counts in the service's schema. */
export class SqlTemplateStore implements TemplateStore {
  constructor(private readonly sql: SqlClient) {}

  async load(): Promise<StoredTemplates> {
    const templates = await this.sql.query<TemplateRow>(
      `SELECT id, seq::float8 AS seq, text, tokens, route, count::float8 AS count, example, signature,
         ${ms('first_seen')}, ${ms('last_seen')}
       FROM ${S}.log_templates ORDER BY seq`,
    );
    const aliases = await this.sql.query<{ id: string; alias_of: string }>(
      `SELECT id, alias_of FROM ${S}.log_template_aliases`,
    );
    const stats = await this.sql.query<PipelineTemplateRow>(
      `SELECT template_id, pipeline_id, count::float8 AS count, ${ms('first_seen')}, ${ms('last_seen')}
       FROM ${S}.log_template_pipelines`,
    );
    return {
      templates: templates.rows,
      aliases: Object.fromEntries(aliases.rows.map((a) => [a.id, a.alias_of])),
      pipelineStats: stats.rows,
    };
  }

  /** One transaction, one statement per table whatever the batch size (rows go as one JSON array). */
  async save(changes: TemplateChanges): Promise<void> {
    const absorbed = Object.keys(changes.aliases);
    if (changes.templates.length + changes.pipelineStats.length + absorbed.length === 0) return;
    await this.sql.transaction(async (tx) => {
      if (absorbed.length > 0) {
        await tx.query(`DELETE FROM ${S}.log_templates WHERE id = ANY($1::text[])`, [absorbed]);
        await tx.query(`DELETE FROM ${S}.log_template_pipelines WHERE template_id = ANY($1::text[])`, [
          absorbed,
        ]);
        await tx.query(
          `INSERT INTO ${S}.log_template_aliases (id, alias_of)
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, alias_of text)
           ON CONFLICT (id) DO UPDATE SET alias_of = EXCLUDED.alias_of`,
          [JSON.stringify(absorbed.map((id) => ({ id, alias_of: changes.aliases[id] })))],
        );
      }
      if (changes.templates.length > 0) {
        await tx.query(
          `INSERT INTO ${S}.log_templates (id, seq, text, tokens, route, count, example, signature, first_seen, last_seen, updated_at)
           SELECT id, seq, text, tokens, route, count, example, signature, ${ts('first_seen')}, ${ts('last_seen')}, now()
           FROM jsonb_to_recordset($1::jsonb) AS x(id text, seq bigint, text text, tokens jsonb, route jsonb,
             count bigint, example text, signature text, first_seen float8, last_seen float8)
           ON CONFLICT (id) DO UPDATE SET text = EXCLUDED.text, tokens = EXCLUDED.tokens, count = EXCLUDED.count,
             signature = EXCLUDED.signature, first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen,
             updated_at = now()`,
          [JSON.stringify(changes.templates)],
        );
      }
      if (changes.pipelineStats.length > 0) {
        await tx.query(
          `INSERT INTO ${S}.log_template_pipelines (template_id, pipeline_id, count, first_seen, last_seen)
           SELECT template_id, pipeline_id, count, ${ts('first_seen')}, ${ts('last_seen')}
           FROM jsonb_to_recordset($1::jsonb) AS x(template_id text, pipeline_id text, count bigint,
             first_seen float8, last_seen float8)
           ON CONFLICT (pipeline_id, template_id) DO UPDATE SET count = EXCLUDED.count,
             first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen`,
          [JSON.stringify(changes.pipelineStats)],
        );
      }
    });
  }
}
