import type { Column } from './catalog.js';
import type { SchemaProblem } from './error-lines.js';
import type { PipelineSpec } from './fleet-spec.js';

/** A pipeline definition as stored in `pipelines.definition` (any JSON object a client may PUT). */
export type Definition = Record<string, unknown>;

/** One kept version of a pipeline's definition. */
export interface DefinitionVersion {
  version: number;
  definition: Definition;
  timeoutSeconds: number;
  createdAt: number;
  source: 'initial' | 'deploy' | 'api' | 'restore' | 'hotfix';
  restoredFrom: number | null;
}

/** How a bad deploy changes the expected schema. */
export interface Drift {
  kind: 'rename' | 'retype' | 'add';
  column: string;
  /** New name (rename, add) or new type (retype). */
  to: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The definition a pipeline had at version `v` before the simulation (all versions expect the true schema). */
export function initialDefinition(spec: PipelineSpec, v: number): Definition {
  return {
    description: spec.description,
    source: { kind: spec.source.kind, host: spec.source.host, target: spec.source.target },
    sink: { kind: spec.sink.kind, host: spec.sink.host, target: spec.sink.target },
    schema: { columns: spec.schema.map((c) => ({ ...c })) },
    stages: spec.stages.map((s) => ({
      id: s.id,
      name: s.name,
      type: s.type,
      order_index: s.order_index,
      critical: s.critical,
    })),
    retry_policy: { max_retries: 3, backoff_seconds: v + 1 },
    resources: { memory_limit: `${spec.memoryLimitMi}Mi`, cpu: '1' },
  };
}

/** Index of the stage a reference (id or name) names, or -1. */
export function stageIndex(spec: PipelineSpec, ref: string): number {
  return spec.stages.findIndex((s) => s.id === ref || s.name === ref);
}

/** Per stage: whether the definition marks it skipped, and whether it is critical (definition wins over the spec). */
export function stageFlags(def: Definition, spec: PipelineSpec): { skip: boolean[]; critical: boolean[] } {
  const skip = spec.stages.map(() => false);
  const critical = spec.stages.map((s) => s.critical);
  const stages = Array.isArray(def.stages) ? def.stages : [];
  for (const entry of stages) {
    if (!isObject(entry)) continue;
    const ref = typeof entry.id === 'string' ? entry.id : typeof entry.name === 'string' ? entry.name : '';
    const j = stageIndex(spec, ref);
    if (j < 0) continue;
    if (entry.skip === true) skip[j] = true;
    if (typeof entry.critical === 'boolean') critical[j] = entry.critical;
  }
  return { skip, critical };
}

/** The columns a definition expects, or null when it states no schema (then nothing is checked). */
export function expectedColumns(def: Definition): Column[] | null {
  if (!isObject(def.schema) || !Array.isArray(def.schema.columns)) return null;
  return def.schema.columns.filter(
    (c): c is Column => isObject(c) && typeof c.name === 'string' && typeof c.type === 'string',
  );
}

/** Where the expected schema disagrees with the data the source really delivers; empty when they agree. */
export function schemaProblems(def: Definition, spec: PipelineSpec): SchemaProblem[] {
  const expected = expectedColumns(def);
  if (expected === null) return [];
  const actual = new Map(spec.schema.map((c) => [c.name, c.type]));
  const problems: SchemaProblem[] = [];
  for (const c of expected) {
    const found = actual.get(c.name);
    if (found === undefined) problems.push({ column: c.name, expected: c.type, actual: null });
    else if (found !== c.type) problems.push({ column: c.name, expected: c.type, actual: found });
  }
  return problems;
}

/** `def` with its expected schema changed by `drift` (a bad deploy). */
export function driftedDefinition(def: Definition, spec: PipelineSpec, drift: Drift): Definition {
  const columns = (expectedColumns(def) ?? spec.schema).map((c) => ({ ...c }));
  const target = columns.find((c) => c.name === drift.column);
  if (drift.kind === 'add' || target === undefined) columns.push({ name: drift.to, type: 'text' });
  else if (drift.kind === 'rename') target.name = drift.to;
  else target.type = drift.to;
  return { ...def, schema: { columns } };
}

/** `def` expecting the schema the data really has (a human's hotfix). */
export function withTrueSchema(def: Definition, spec: PipelineSpec): Definition {
  return { ...def, schema: { columns: spec.schema.map((c) => ({ ...c })) } };
}

/** `def` with the skip marks of the given stages set or cleared. */
export function withSkips(
  def: Definition,
  spec: PipelineSpec,
  skip: readonly number[],
  unskip: readonly number[],
): Definition {
  const flags = stageFlags(def, spec);
  for (const j of skip) flags.skip[j] = true;
  for (const j of unskip) flags.skip[j] = false;
  const stages = spec.stages.map((s, j) => {
    const existing = Array.isArray(def.stages)
      ? def.stages.find((e) => isObject(e) && (e.id === s.id || e.name === s.name))
      : undefined;
    const base: Record<string, unknown> = isObject(existing)
      ? { ...existing }
      : { id: s.id, name: s.name, type: s.type, order_index: s.order_index, critical: flags.critical[j] };
    if (flags.skip[j]) base.skip = true;
    else delete base.skip;
    return base;
  });
  return { ...def, stages };
}

/** JSON with object keys sorted, so equal definitions compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}
