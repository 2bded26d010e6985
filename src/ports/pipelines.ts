/** A pipeline's definition as it was at one version (what a rollback restores). */
export interface PipelineVersion {
  pipeline_id: string;
  version: number;
  definition: Record<string, unknown>;
  schedule_cron: string | null;
  timeout_seconds: number | null;
  /** When the service first saw this definition (epoch ms). */
  first_seen_at: number;
}

/** The current metadata of a source pipeline. */
export interface PipelineInfo extends PipelineVersion {
  name: string;
  is_active: boolean;
  tags: string[];
}

/** Pipeline metadata and definition history read from the sources (remediation, prediction, root cause). */
export interface PipelineCatalog {
  /** The pipeline's current metadata, or null when no source has reported it. */
  getPipeline(pipelineId: string): Promise<PipelineInfo | null>;
  /** Every definition seen for the pipeline, newest first. */
  listVersions(pipelineId: string): Promise<PipelineVersion[]>;
  /**
   * The definition in use before the current one (or before `beforeVersion` when given): the
   * newest seen definition that differs from it. Null when there is none.
   */
  previousVersion(pipelineId: string, beforeVersion?: number): Promise<PipelineVersion | null>;
}

/** A stage of a pipeline as the sources reported it. */
export interface PipelineStageInfo {
  stage_id: string;
  name: string;
  order_index: number;
  is_critical: boolean;
}

/** Every known pipeline and its stages (prediction's preflights and features). */
export interface PipelineDirectory {
  /** Every pipeline a source has reported, current metadata. */
  listPipelines(): Promise<PipelineInfo[]>;
  /** The pipeline's stages in order; empty when none were reported. */
  listStages(pipelineId: string): Promise<PipelineStageInfo[]>;
}

/** Where a source reports what it is doing (GET /api/status `sources`, /metrics). */
export interface SourceHealth {
  name: string;
  mode: string;
  connected: boolean;
  /** Age of the oldest change not yet durable, in seconds (0 when caught up). */
  lag_seconds: number;
  last_error: string | null;
  /** Events made durable from this source since start. */
  events: number;
  /** Rows or messages skipped as undecodable since start. */
  rejected: number;
}
