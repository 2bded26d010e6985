import type { FaultLabels, TelemetryEvent, TriggerType } from '../domain/index.js';
import type { FlexiRoasterRows } from './rows.js';

/** The injectable fault kinds, named as the truth files and labels name them. */
export const FAULT_KINDS = [
  'slowdown',
  'failure_burst',
  'retry_storm',
  'oom',
  'auth_failure',
  'schema_drift',
  'upstream_outage',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const STAGE_TYPES = ['input', 'transform', 'validation', 'output'] as const;
export type StageType = (typeof STAGE_TYPES)[number];

/** One injected fault: ground truth for evaluation. Times are epoch ms. */
export interface FaultEpisode {
  fault_id: string;
  fault: FaultKind;
  pipeline_id: string;
  start: number;
  end: number;
}

/** What builds a fleet. Everything random derives from `seed`, so a seed replays exactly. */
export interface FleetOptions {
  seed: number;
  /** Number of simulated pipelines (≥ 1). */
  pipelines: number;
  /** Where simulated history begins (epoch ms); the first advance starts here. */
  startMs: number;
  /** Fault kinds to inject; default all. An empty list injects none. */
  faults?: readonly FaultKind[];
  /**
   * Expected fault episodes per pipeline per hour of simulated time.
   * @default 0.15
   */
  faultRate?: number;
  /**
   * Which outputs to build: telemetry events, FlexiRoaster table rows, or both.
   * @default 'both'
   */
  emit?: 'events' | 'rows' | 'both';
}

/** What one advance produced, in time order. */
export interface AdvanceResult {
  /** Simulated time before and after this advance (epoch ms); events lie in (from, to]. */
  from: number;
  to: number;
  events: TelemetryEvent[];
  /** Rows per FlexiRoaster table; rows with the same `id` are later states of one row (upserts). */
  rows: FlexiRoasterRows;
  /** Fault episodes that began in this advance. */
  faults_started: FaultEpisode[];
}

/** A stage as the orchestrator shows it. */
export interface StageView {
  id: string;
  name: string;
  type: StageType;
  order_index: number;
  critical: boolean;
  skip: boolean;
  retry_count: number;
}

/** One version of a pipeline definition; every version a pipeline has had is kept. */
export interface DefinitionVersionView {
  version: number;
  definition: Record<string, unknown>;
  timeout_seconds: number;
  created_at: string;
  /** What made it: the initial set-up, a deploy, an API update, a restore of an older version, a human hotfix. */
  source: 'initial' | 'deploy' | 'api' | 'restore' | 'hotfix';
  restored_from: number | null;
}

/** A pipeline as the orchestrator's control API shows it. */
export interface PipelineView {
  id: string;
  name: string;
  description: string;
  is_active: boolean;
  /** Workers the stages run on (scale_workers adds them). */
  workers: number;
  version: number;
  definition: Record<string, unknown>;
  timeout_seconds: number;
  schedule_cron: string | null;
  trigger_type: TriggerType;
  tags: string[];
  stages: StageView[];
  versions: DefinitionVersionView[];
  running_executions: string[];
  created_at: string;
  updated_at: string;
}

/** An execution as the orchestrator's control API shows it. */
export interface ExecutionView {
  execution_id: string;
  pipeline_id: string;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  paused: boolean;
  trigger_type: TriggerType;
  started_at: string;
  completed_at: string | null;
  definition_version: number;
}

/** The answer of a control call. */
export interface ControlResult {
  success: boolean;
  message: string;
}

/** Null labels, shared by every normal event. */
export const NORMAL_LABELS: Readonly<FaultLabels> = Object.freeze({ fault: null, fault_id: null });
