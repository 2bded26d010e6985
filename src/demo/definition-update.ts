import { ValidationError } from '../shared/index.js';
import type { Definition } from './definition.js';

/**
 * The body of `PUT /pipelines/{id}`; every field optional, at least one required.
 * - `definition`: a new definition (JSON object). `definition.stages[]` entries name a stage by `id`
 *   or `name` and may carry `skip` and `critical` booleans; `definition.schema.columns[]` lists the
 *   `{name, type}` the validation stage expects (absent: nothing is checked).
 * - `version`: without `definition`, restore that earlier version's definition (as a new version);
 *   with `definition`, the version the client edited, which must still be current (else 409).
 * - `timeout_seconds`: integer 1..604800.
 * - `skip_stages` / `unskip_stages`: stage ids or names to mark skipped or clear.
 * - `is_active`: activate or deactivate.
 * Fields of the GET view (id, name, stages, versions, …) are accepted and ignored, so a client may PUT
 * back what it read; any other field is a 400.
 */
export interface DefinitionUpdate {
  definition?: Definition;
  version?: number;
  timeout_seconds?: number;
  skip_stages?: string[];
  unskip_stages?: string[];
  is_active?: boolean;
}

const UPDATABLE = ['definition', 'version', 'timeout_seconds', 'skip_stages', 'unskip_stages', 'is_active'];
const IGNORED = new Set([
  'id',
  'name',
  'description',
  'tags',
  'stages',
  'versions',
  'running_executions',
  'schedule_cron',
  'trigger_type',
  'created_at',
  'updated_at',
]);
const MAX_TIMEOUT_SECONDS = 604_800;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a PUT body's shape and types; throws ValidationError naming the field at fault. */
export function parseDefinitionUpdate(body: unknown): DefinitionUpdate {
  if (!isObject(body)) throw new ValidationError('body', 'body must be a JSON object');
  for (const key of Object.keys(body))
    if (!UPDATABLE.includes(key) && !IGNORED.has(key))
      throw new ValidationError(key, `unknown field '${key}'; updatable fields: ${UPDATABLE.join(', ')}`);
  const update: DefinitionUpdate = {};
  if (body.definition !== undefined) update.definition = parseDefinition(body.definition);
  if (body.version !== undefined)
    update.version = positiveInt(body.version, 'version', Number.MAX_SAFE_INTEGER);
  if (body.timeout_seconds !== undefined)
    update.timeout_seconds = positiveInt(body.timeout_seconds, 'timeout_seconds', MAX_TIMEOUT_SECONDS);
  if (body.skip_stages !== undefined) update.skip_stages = stringList(body.skip_stages, 'skip_stages');
  if (body.unskip_stages !== undefined)
    update.unskip_stages = stringList(body.unskip_stages, 'unskip_stages');
  if (body.is_active !== undefined) {
    if (typeof body.is_active !== 'boolean')
      throw new ValidationError('is_active', 'is_active must be a boolean');
    update.is_active = body.is_active;
  }
  if (Object.keys(update).length === 0)
    throw new ValidationError('body', `nothing to update; give at least one of ${UPDATABLE.join(', ')}`);
  return update;
}

function positiveInt(value: unknown, field: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)
    throw new ValidationError(field, `${field} must be an integer between 1 and ${max}`);
  return value;
}

function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value))
    throw new ValidationError(field, `${field} must be an array of stage ids or names`);
  return value.map((v, i) => {
    if (typeof v !== 'string' || v.length === 0)
      throw new ValidationError(`${field}.${i}`, `${field}[${i}] must be a non-empty string`);
    return v;
  });
}

function parseDefinition(value: unknown): Definition {
  if (!isObject(value)) throw new ValidationError('definition', 'definition must be a JSON object');
  if (value.stages !== undefined) {
    if (!Array.isArray(value.stages))
      throw new ValidationError('definition.stages', 'definition.stages must be an array');
    value.stages.forEach((s, i) => {
      const at = `definition.stages.${i}`;
      if (!isObject(s)) throw new ValidationError(at, `${at} must be an object`);
      if (typeof s.id !== 'string' && typeof s.name !== 'string')
        throw new ValidationError(`${at}.id`, `${at} must name its stage by id or name`);
      for (const flag of ['skip', 'critical'])
        if (s[flag] !== undefined && typeof s[flag] !== 'boolean')
          throw new ValidationError(`${at}.${flag}`, `${at}.${flag} must be a boolean`);
    });
  }
  if (value.schema !== undefined) {
    const schema = value.schema;
    if (!isObject(schema) || !Array.isArray(schema.columns))
      throw new ValidationError(
        'definition.schema.columns',
        'definition.schema must be {columns: [{name, type}]}',
      );
    schema.columns.forEach((c, i) => {
      const at = `definition.schema.columns.${i}`;
      if (!isObject(c) || typeof c.name !== 'string' || typeof c.type !== 'string')
        throw new ValidationError(at, `${at} must be {name: string, type: string}`);
    });
  }
  return value;
}
