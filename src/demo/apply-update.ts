import { AppError, ValidationError } from '../shared/index.js';
import {
  canonicalJson,
  stageIndex,
  withSkips,
  type Definition,
  type DefinitionVersion,
} from './definition.js';
import type { DefinitionUpdate } from './definition-update.js';
import type { PipelineState } from './pipeline-state.js';

/** What a PUT would make of a pipeline's definition, decided before anything changes. */
export interface UpdatePlan {
  changed: boolean;
  definition: Definition;
  timeoutSeconds: number;
  source: DefinitionVersion['source'];
  restoredFrom: number | null;
  /** Human-readable list of what changes. */
  summary: string;
}

/** Checks a PUT against the pipeline (stage names, versions) and works out the new definition; throws without side effects. */
export function planDefinitionUpdate(p: PipelineState, update: DefinitionUpdate): UpdatePlan {
  const cur = p.current();
  const changes: string[] = [];
  let definition = cur.definition;
  let source: DefinitionVersion['source'] = 'api';
  let restoredFrom: number | null = null;
  if (update.definition !== undefined) {
    if (update.version !== undefined && update.version !== cur.version)
      throw new AppError(
        'CONFLICT',
        `definition was edited from version ${update.version} but version ${cur.version} is current`,
        { field: 'version' },
      );
    checkStageRefs(p, update.definition);
    definition = update.definition;
    changes.push('new definition');
  } else if (update.version !== undefined) {
    const target = p.versions.find((v) => v.version === update.version);
    if (target === undefined)
      throw new ValidationError(
        'version',
        `pipeline ${p.spec.name} has no version ${update.version} (versions 1..${cur.version})`,
      );
    definition = target.definition;
    source = 'restore';
    restoredFrom = target.version;
    changes.push(`restores version ${target.version}`);
  }
  const timeoutSeconds = update.timeout_seconds ?? cur.timeoutSeconds;
  if (timeoutSeconds !== cur.timeoutSeconds)
    changes.push(`timeout_seconds ${cur.timeoutSeconds} -> ${timeoutSeconds}`);
  const skip = resolveStages(p, update.skip_stages ?? [], 'skip_stages');
  const unskip = resolveStages(p, update.unskip_stages ?? [], 'unskip_stages');
  if (skip.length > 0 || unskip.length > 0) {
    definition = withSkips(definition, p.spec, skip, unskip);
    if (skip.length > 0) changes.push(`skip ${skip.map((j) => p.spec.stages[j].name).join(', ')}`);
    if (unskip.length > 0) changes.push(`unskip ${unskip.map((j) => p.spec.stages[j].name).join(', ')}`);
  }
  const changed =
    timeoutSeconds !== cur.timeoutSeconds || canonicalJson(definition) !== canonicalJson(cur.definition);
  return { changed, definition, timeoutSeconds, source, restoredFrom, summary: changes.join('; ') };
}

function resolveStages(p: PipelineState, refs: readonly string[], field: string): number[] {
  return refs.map((ref, i) => {
    const j = stageIndex(p.spec, ref);
    if (j < 0) throw new ValidationError(`${field}.${i}`, `pipeline ${p.spec.name} has no stage '${ref}'`);
    return j;
  });
}

function checkStageRefs(p: PipelineState, definition: Definition): void {
  if (!Array.isArray(definition.stages)) return;
  definition.stages.forEach((entry: unknown, i) => {
    const e = entry as Record<string, unknown>;
    const ref = typeof e.id === 'string' ? e.id : String(e.name);
    if (stageIndex(p.spec, ref) < 0)
      throw new ValidationError(
        `definition.stages.${i}.${typeof e.id === 'string' ? 'id' : 'name'}`,
        `pipeline ${p.spec.name} has no stage '${ref}'`,
      );
  });
}
