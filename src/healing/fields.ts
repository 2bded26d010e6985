/**
 * The fields a runbook condition may read from a HealingContext, declared once with their type and
 * meaning: the condition validator checks paths against this table, the evaluator reads through it,
 * and docs/HEALING.md lists it. A field whose part of the context is absent reads as undefined.
 */
import { retryBlocker } from './retry.js';
import type { HealingContext, SnapshotKpis } from './types.js';

/** What a field holds: a number, a string, a boolean, or a list of strings. */
export type FieldType = 'number' | 'string' | 'boolean' | 'strings';

/** A field's value; undefined when its part of the context is absent. */
export type FieldValue = number | string | boolean | readonly string[] | undefined;

export interface FieldDef {
  type: FieldType;
  doc: string;
  get(ctx: HealingContext): FieldValue;
}

/** A family of fields named by a key after a prefix (e.g. `anomaly.features.cpu_percent`). */
export interface FieldFamily {
  prefix: string;
  type: FieldType;
  doc: string;
  get(ctx: HealingContext, key: string): FieldValue;
}

const orUndef = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

function snap<K extends keyof SnapshotKpis>(key: K, doc: string, type: FieldType): [string, FieldDef] {
  return [
    `snapshot.${key}`,
    { type, doc, get: (c) => orUndef(c.snapshot?.[key] as FieldValue | null | undefined) },
  ];
}

function failingStage(ctx: HealingContext) {
  const name = ctx.failing_stage;
  return name === null ? undefined : ctx.pipeline.stages.find((s) => s.name === name || s.id === name);
}

/** Every fixed field, by path. */
export const CONTEXT_FIELDS: ReadonlyMap<string, FieldDef> = new Map<string, FieldDef>([
  ['pipeline.id', { type: 'string', doc: 'pipeline id', get: (c) => c.pipeline.id }],
  ['pipeline.name', { type: 'string', doc: 'pipeline name', get: (c) => c.pipeline.name }],
  [
    'pipeline.is_active',
    { type: 'boolean', doc: 'the pipeline is active', get: (c) => c.pipeline.is_active },
  ],
  [
    'pipeline.is_critical',
    { type: 'boolean', doc: 'the pipeline is marked critical', get: (c) => c.pipeline.is_critical },
  ],
  ['pipeline.tags', { type: 'strings', doc: 'pipeline tags', get: (c) => c.pipeline.tags }],
  [
    'pipeline.timeout_seconds',
    { type: 'number', doc: 'run timeout', get: (c) => orUndef(c.pipeline.timeout_seconds) },
  ],
  ['pipeline.stage_count', { type: 'number', doc: 'number of stages', get: (c) => c.pipeline.stages.length }],
  [
    'pipeline.version',
    { type: 'number', doc: 'definition version in use', get: (c) => orUndef(c.pipeline.version) },
  ],
  [
    'pipeline.recent_failed_runs',
    {
      type: 'number',
      doc: 'failed runs among the last 2 finished ones (absent when none finished)',
      get: (c) => c.pipeline.recent_failed_runs,
    },
  ],
  [
    'pipeline.idle_minutes',
    {
      type: 'number',
      doc: 'minutes since the latest run started (absent when none was seen)',
      get: (c) => c.pipeline.idle_minutes,
    },
  ],
  [
    'trigger.kind',
    { type: 'string', doc: 'anomaly, prediction, incident or tick', get: (c) => c.trigger.kind },
  ],
  ['trigger.id', { type: 'string', doc: 'id of what triggered', get: (c) => c.trigger.id }],
  snap('sampled_events', 'execution records in the live window', 'number'),
  snap('failure_rate', 'failed records / records in the window', 'number'),
  snap('failed_runs', 'failed runs in the window', 'number'),
  snap('retry_frequency', 'retries / records in the window', 'number'),
  snap('retries', 'execution plus stage retries in the window', 'number'),
  snap('previous_failure_rate', 'failure rate of the window before', 'number'),
  snap('previous_retry_frequency', 'retry frequency of the window before', 'number'),
  snap('avg_duration_seconds', 'mean run duration', 'number'),
  snap('p95_duration_seconds', '95th percentile of run duration', 'number'),
  snap('duration_change_percent', '% change of mean duration vs the window before', 'number'),
  snap('avg_latency_ms', 'mean latency', 'number'),
  snap('latency_spike', 'a latency spike was detected', 'boolean'),
  snap('latency_robust_z', 'robust z-score of recent latency', 'number'),
  snap('avg_throughput_per_minute', 'mean throughput', 'number'),
  snap('throughput_drop', 'a throughput drop was detected', 'boolean'),
  snap('throughput_change_percent', '% change of recent throughput vs its baseline', 'number'),
  snap('avg_cpu_percent', 'mean CPU %', 'number'),
  snap('avg_memory_percent', 'mean memory %', 'number'),
  snap('avg_data_volume_mb', 'mean data volume', 'number'),
  [
    'snapshot.timeout_usage',
    {
      type: 'number',
      doc: "p95 run duration / the pipeline's timeout (absent without a timeout)",
      get: (c) => {
        const t = c.pipeline.timeout_seconds;
        return c.snapshot === null || t === null || !(t > 0)
          ? undefined
          : c.snapshot.p95_duration_seconds / t;
      },
    },
  ],
  snap('health_score', 'health 0..1 (1 = nothing wrong seen)', 'number'),
  snap('health_status', 'healthy, degraded or critical', 'string'),
  ['anomaly.id', { type: 'string', doc: 'anomaly id', get: (c) => c.anomaly?.id }],
  ['anomaly.kind', { type: 'string', doc: 'execution or metric', get: (c) => c.anomaly?.kind }],
  ['anomaly.score', { type: 'number', doc: 'anomaly score 0..1', get: (c) => c.anomaly?.score }],
  [
    'anomaly.reasons',
    { type: 'strings', doc: 'reasons given by the detector', get: (c) => c.anomaly?.reasons },
  ],
  ['anomaly.algorithm', { type: 'string', doc: 'detector algorithm', get: (c) => c.anomaly?.algorithm }],
  [
    'anomaly.model_version',
    { type: 'string', doc: 'anomaly model version', get: (c) => orUndef(c.anomaly?.model_version) },
  ],
  [
    'anomaly.metric',
    { type: 'string', doc: 'metric series (metric anomalies)', get: (c) => orUndef(c.anomaly?.metric) },
  ],
  ['prediction.id', { type: 'string', doc: 'prediction id', get: (c) => c.prediction?.id }],
  [
    'prediction.failure_probability',
    { type: 'number', doc: 'predicted failure probability', get: (c) => c.prediction?.failure_probability },
  ],
  [
    'prediction.model_version',
    { type: 'string', doc: 'prediction model version', get: (c) => orUndef(c.prediction?.model_version) },
  ],
  [
    'prediction.max_stage_risk',
    {
      type: 'number',
      doc: 'highest stage risk',
      get: (c) => {
        const risks = c.prediction === null ? [] : Object.values(c.prediction.stage_risks);
        return risks.length === 0 ? undefined : Math.max(...risks);
      },
    },
  ],
  ['incident.id', { type: 'string', doc: 'open incident id', get: (c) => c.incident?.id }],
  ['incident.kind', { type: 'string', doc: 'execution or metric', get: (c) => c.incident?.kind }],
  [
    'incident.anomaly_count',
    { type: 'number', doc: 'anomalies in the incident', get: (c) => c.incident?.anomaly_count },
  ],
  ['incident.max_score', { type: 'number', doc: 'highest anomaly score', get: (c) => c.incident?.max_score }],
  [
    'signatures.classes',
    {
      type: 'strings',
      doc: 'error signature classes seen',
      get: (c) => c.signatures.map((s) => s.signature),
    },
  ],
  [
    'signatures.dominant',
    { type: 'string', doc: 'the most frequent signature', get: (c) => c.signatures[0]?.signature },
  ],
  [
    'signatures.dominant_count',
    {
      type: 'number',
      doc: 'occurrences of the most frequent signature (0 if none)',
      get: (c) => c.signatures[0]?.count ?? 0,
    },
  ],
  [
    'signatures.retryable',
    {
      type: 'boolean',
      doc: 'the most frequent classified signature is worth retrying (or there is none)',
      get: (c) => retryBlocker(c.signatures) === null,
    },
  ],
  ['failing_stage.name', { type: 'string', doc: 'the failing stage', get: (c) => orUndef(c.failing_stage) }],
  [
    'failing_stage.is_critical',
    { type: 'boolean', doc: 'the failing stage is critical', get: (c) => failingStage(c)?.is_critical },
  ],
  ['execution_id', { type: 'string', doc: 'the execution concerned', get: (c) => orUndef(c.execution_id) }],
]);

/** Field families: any key after the prefix. */
export const CONTEXT_FIELD_FAMILIES: readonly FieldFamily[] = [
  {
    prefix: 'anomaly.features.',
    type: 'number',
    doc: 'a feature as the detector judged it (e.g. cpu_percent, retry_count)',
    get: (c, k) => c.anomaly?.features[k],
  },
  {
    prefix: 'prediction.stage_risks.',
    type: 'number',
    doc: "a stage's predicted risk, by stage name",
    get: (c, k) => c.prediction?.stage_risks[k],
  },
  {
    prefix: 'snapshot.stage_failure_counts.',
    type: 'number',
    doc: "a stage's failed runs in the window, by stage name",
    get: (c, k) => c.snapshot?.stage_failure_counts[k] ?? (c.snapshot === null ? undefined : 0),
  },
];

/** A field path resolved to its type and reader; null when no field or family has that path. */
export interface ResolvedField {
  path: string;
  type: FieldType;
  read(ctx: HealingContext): FieldValue;
}

/** Resolves a path against the table; null when it names no known field. */
export function resolveField(path: string): ResolvedField | null {
  const fixed = CONTEXT_FIELDS.get(path);
  if (fixed !== undefined) return { path, type: fixed.type, read: fixed.get };
  for (const f of CONTEXT_FIELD_FAMILIES) {
    if (path.startsWith(f.prefix) && path.length > f.prefix.length) {
      const key = path.slice(f.prefix.length);
      return { path, type: f.type, read: (c) => f.get(c, key) };
    }
  }
  return null;
}
