import { ValidationError } from '../../shared/index.js';
import { col, type Row } from './values.js';

export const SOURCE_STAGE_TYPES = ['input', 'transform', 'validation', 'output'] as const;
export type SourceStageType = (typeof SOURCE_STAGE_TYPES)[number];

/** What the service tracks of a FlexiRoaster `pipelines` row. */
export interface PipelineMeta {
  pipeline_id: string;
  name: string;
  version: number;
  is_active: boolean;
  schedule_cron: string | null;
  timeout_seconds: number | null;
  definition: Row;
  tags: string[];
  updated_at: number | null;
}

/** What the service tracks of a `pipeline_stages` row: enough to place and weigh a stage run. */
export interface StageMeta {
  stage_id: string;
  pipeline_id: string;
  name: string;
  type: SourceStageType;
  order_index: number;
  is_critical: boolean;
  config: Row | null;
}

/** Stage types counted critical when a stage's config does not say (`config.critical`). */
export type CriticalTypes = ReadonlySet<SourceStageType>;

/** Decodes a `pipelines` row; throws ValidationError naming the column. */
export function decodePipelineRow(row: Row): PipelineMeta {
  const version = col.num(row, 'version') ?? 1;
  if (!Number.isInteger(version) || version < 0) throw new ValidationError('version', 'version must be ≥ 0');
  const timeout = col.num(row, 'timeout_seconds');
  if (timeout !== null && timeout < 0)
    throw new ValidationError('timeout_seconds', 'timeout_seconds must be ≥ 0');
  const tags = row.tags ?? [];
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string'))
    throw new ValidationError('tags', 'tags must be a list of text');
  const active = row.is_active;
  return {
    pipeline_id: col.id(row, 'id'),
    name: col.text(row, 'name') ?? '',
    version,
    is_active: active === undefined || active === null ? true : active === true,
    schedule_cron: col.text(row, 'schedule_cron'),
    timeout_seconds: timeout,
    definition: col.object(row, 'definition') ?? {},
    tags: tags as string[],
    updated_at: col.time(row, 'updated_at'),
  };
}

/** Decodes a `pipeline_stages` row; criticality from `config.critical`, else the stage type's default. */
export function decodePipelineStageRow(row: Row, criticalTypes: CriticalTypes): StageMeta {
  const type = col.oneOf(row, 'type', SOURCE_STAGE_TYPES);
  if (type === null) throw new ValidationError('type', 'type is null');
  const config = col.object(row, 'config');
  const critical = config?.critical;
  if (critical !== undefined && critical !== null && typeof critical !== 'boolean')
    throw new ValidationError('config.critical', 'config.critical must be true or false');
  const name = col.text(row, 'name');
  if (name === null) throw new ValidationError('name', 'name is null');
  return {
    stage_id: col.id(row, 'id'),
    pipeline_id: col.id(row, 'pipeline_id'),
    name,
    type,
    order_index: col.num(row, 'order_index') ?? 0,
    is_critical: typeof critical === 'boolean' ? critical : criticalTypes.has(type),
    config,
  };
}

/** Parses `input,transform,output` into the set of stage types critical by default. */
export function parseCriticalTypes(text: string): CriticalTypes {
  const out = new Set<SourceStageType>();
  for (const word of text.split(',')) {
    const t = word.trim();
    if (t === '') continue;
    if (!(SOURCE_STAGE_TYPES as readonly string[]).includes(t))
      throw new ValidationError(
        'stage-critical-types',
        `unknown stage type ${t} (${SOURCE_STAGE_TYPES.join('|')})`,
      );
    out.add(t as SourceStageType);
  }
  return out;
}
