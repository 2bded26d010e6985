import {
  kpisFromSnapshot,
  signaturesFromPatterns,
  type AnomalyContext,
  type HealingContext,
  type IncidentContext,
  type PipelineContext,
  type PredictionContext,
  type StageContext,
  type Trigger,
} from '../healing/index.js';
import type { PipelineSnapshot } from '../monitoring/index.js';
import type { AnomalyRow, IncidentRow, PipelineInfo } from '../ports/index.js';
import type { RunTracker } from './healing-runs.js';

const MIN = 60_000;
/** How many of the latest finished runs `pipeline.recent_failed_runs` looks at. */
export const RECENT_RUNS = 2;

/** Tags that mark a pipeline critical (runbooks never pause or skip in a critical pipeline). */
export const CRITICAL_TAGS: readonly string[] = ['critical', 'tier-1'];

/** What the loop knows about a pipeline at the moment it decides. */
export interface ContextParts {
  pipelineId: string;
  trigger: Trigger;
  info: PipelineInfo | null;
  snapshot: PipelineSnapshot | undefined;
  runs: RunTracker;
  anomaly: AnomalyContext | null;
  incident: IncidentContext | null;
  prediction: PredictionContext | null;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The HealingContext a runbook condition reads, from the catalog, the live window and the runs seen. */
export function buildHealingContext(p: ContextParts): HealingContext {
  const failure = p.runs.lastFailure(p.pipelineId);
  const kpis = p.snapshot === undefined ? null : kpisFromSnapshot(p.snapshot);
  const pipeline = pipelineContext(p.pipelineId, p.info, p.runs.stages(p.pipelineId));
  const seen = p.runs.runsSince(p.pipelineId, -Infinity);
  const lastStart = Math.max(...seen.map((r) => r.started_at));
  if (Number.isFinite(lastStart)) pipeline.idle_minutes = Math.max(0, (p.trigger.at - lastStart) / MIN);
  // What the latest runs say, not the hour's window: a fix that worked shows here at once.
  const recent = seen
    .filter((r) => r.finished_at !== null && (r.status === 'completed' || r.status === 'failed'))
    .sort((a, b) => (a.finished_at as number) - (b.finished_at as number))
    .slice(-RECENT_RUNS);
  if (recent.length > 0) pipeline.recent_failed_runs = recent.filter((r) => r.status === 'failed').length;
  return {
    pipeline,
    trigger: p.trigger,
    snapshot: kpis,
    anomaly: p.anomaly,
    prediction: p.prediction,
    incident: p.incident,
    signatures:
      p.snapshot === undefined ? [] : signaturesFromPatterns(p.snapshot.signals.dominant_error_patterns),
    failing_stage: failure?.stage ?? mostFailed(kpis?.stage_failure_counts ?? {}),
    execution_id: p.runs.running(p.pipelineId) ?? failure?.execution_id ?? null,
  };
}

/**
 * The pipeline part: metadata from the catalog when a source reported it; stages from its
 * definition (`critical` / `is_critical`) and from the stage events seen. A stage whose criticality
 * nobody stated counts as critical: it is never skipped.
 */
export function pipelineContext(
  id: string,
  info: PipelineInfo | null,
  seen: readonly StageContext[],
): PipelineContext {
  const stages = new Map<string, StageContext>();
  for (const s of seen) stages.set(s.name, s);
  const defined = info !== null && Array.isArray(info.definition.stages) ? info.definition.stages : [];
  for (const s of defined) {
    if (!isObject(s)) continue;
    const name = typeof s.name === 'string' ? s.name : typeof s.id === 'string' ? s.id : null;
    if (name === null) continue;
    const flag =
      typeof s.critical === 'boolean'
        ? s.critical
        : typeof s.is_critical === 'boolean'
          ? s.is_critical
          : null;
    const stageId = typeof s.id === 'string' ? s.id : (stages.get(name)?.id ?? name);
    stages.set(name, { id: stageId, name, is_critical: flag ?? stages.get(name)?.is_critical ?? true });
  }
  const tags = info?.tags ?? [];
  return {
    id,
    name: info?.name ?? id,
    is_active: info?.is_active ?? true,
    is_critical: tags.some((t) => CRITICAL_TAGS.includes(t)),
    tags,
    timeout_seconds: info?.timeout_seconds ?? null,
    version: info?.version ?? null,
    stages: [...stages.values()],
  };
}

function mostFailed(counts: Readonly<Record<string, number>>): string | null {
  let best: string | null = null;
  for (const [name, n] of Object.entries(counts))
    if (n > 0 && (best === null || n > counts[best])) best = name;
  return best;
}

/** The anomaly part of the context from a stored anomaly. */
export function anomalyPart(a: AnomalyRow): AnomalyContext {
  const features: Record<string, number> = {};
  for (const [k, v] of Object.entries(a.inputs))
    if (typeof v === 'number' && Number.isFinite(v)) features[k] = v;
  return {
    id: a.id,
    kind: a.kind === 'metric' ? 'metric' : 'execution',
    score: a.score,
    reasons: a.reasons,
    algorithm: a.algorithm,
    model_version: a.model_version,
    metric: a.metric,
    features,
  };
}

/** The incident part of the context from a stored incident. */
export function incidentPart(i: IncidentRow): IncidentContext {
  return {
    id: i.id,
    kind: i.kind === 'metric' ? 'metric' : 'execution',
    anomaly_count: i.anomaly_count,
    max_score: i.max_score,
    opened_at: i.opened_at,
  };
}
