import { AUTHORS } from './catalog.js';
import { driftedDefinition, schemaProblems, withTrueSchema } from './definition.js';
import type { EmissionBuffer } from './emit.js';
import type { Episode } from './faults.js';
import { subSeed } from './ids.js';
import type { PipelineState } from './pipeline-state.js';
import { NORMAL_LABELS, type FaultEpisode } from './types.js';

const author = (seed: number, at: number): string => AUTHORS[subSeed(seed, 'author', at) % AUTHORS.length];

/** An episode as callers see it (a copy: later fixes do not change it). */
export function publicEpisode(e: Episode): FaultEpisode {
  return { fault_id: e.fault_id, fault: e.fault, pipeline_id: e.pipeline_id, start: e.start, end: e.end };
}

/** A schema drift begins as a deploy: a new definition version expecting a schema the data does not have. */
export function deployDrift(p: PipelineState, e: Episode, buf: EmissionBuffer, seed: number): void {
  const d = e.params.drift;
  if (e.fault !== 'schema_drift' || d === null) return;
  const cur = p.current();
  const v = p.addVersion(driftedDefinition(cur.definition, p.spec, d), cur.timeoutSeconds, e.start, 'deploy');
  p.emitRows(buf, e.start);
  const change =
    d.kind === 'add'
      ? `adds column ${d.to}`
      : d.kind === 'rename'
        ? `renames ${d.column} to ${d.to}`
        : `changes ${d.column} to ${d.to}`;
  const message = `Pipeline ${p.spec.name} definition updated to v${v.version} by ${author(seed, e.start)}: schema ${change}`;
  p.emitLog(buf, e.start, 'INFO', message, { fault: e.fault, fault_id: e.fault_id }, 'flexiroaster-api');
}

/** Nobody rolled back by the drift's planned end: a human publishes a fix, and the drift is over. */
export function hotfixDrift(p: PipelineState, at: number, buf: EmissionBuffer, seed: number): void {
  const cur = p.current();
  if (schemaProblems(cur.definition, p.spec).length > 0) {
    const v = p.addVersion(withTrueSchema(cur.definition, p.spec), cur.timeoutSeconds, at, 'hotfix');
    p.emitRows(buf, at);
    const message = `Pipeline ${p.spec.name} definition updated to v${v.version} by ${author(seed, at + 1)}: hotfix restores the source schema`;
    p.emitLog(buf, at, 'INFO', message, NORMAL_LABELS, 'flexiroaster-api');
  }
  for (const e of p.faults.openDrifts()) closeEpisode(e, at);
}

/** Ends open drifts once the definition expects the data's real schema again (a rollback, say). */
export function closeDriftsIfFixed(p: PipelineState, at: number): void {
  if (schemaProblems(p.current().definition, p.spec).length > 0) return;
  for (const e of p.faults.openDrifts()) closeEpisode(e, at);
}

function closeEpisode(e: Episode, at: number): void {
  e.open = false;
  e.end = Math.max(e.start, at);
}
