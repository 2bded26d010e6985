import type { InsightRow, Page } from './anomalies.js';

/** One mined template as stored: what rebuilds the miner and what the API shows. Times: epoch ms. */
export type TemplateRow = {
  id: string;
  /** Creation order; the miner is rebuilt in this order. */
  seq: number;
  text: string;
  tokens: string[];
  /** The parse-tree path the template is filed under. */
  route: string[];
  count: number;
  example: string;
  /** The error signature of the template (`unknown` for ordinary lines). */
  signature: string;
  first_seen: number | null;
  last_seen: number | null;
};

/** How often one pipeline produced one template. Times: epoch ms. */
export type PipelineTemplateRow = {
  template_id: string;
  pipeline_id: string;
  count: number;
  first_seen: number | null;
  last_seen: number | null;
};

/** What changed since the last save: templates and per-pipeline counts to upsert, merged ids to retire. */
export interface TemplateChanges {
  templates: TemplateRow[];
  pipelineStats: PipelineTemplateRow[];
  /** Absorbed template id → the template that absorbed it; their rows are deleted. */
  aliases: Record<string, string>;
}

/** Everything stored about templates (read once at start). */
export interface StoredTemplates {
  templates: TemplateRow[];
  aliases: Record<string, string>;
  pipelineStats: PipelineTemplateRow[];
}

/** Where mined templates are kept across restarts. */
export interface TemplateStore {
  load(): Promise<StoredTemplates>;
  /** Applies one batch of changes in one transaction. */
  save(changes: TemplateChanges): Promise<void>;
}

/** A failed execution's root-cause analysis. Times: epoch ms. */
export type RootCauseRow = {
  execution_id: string;
  pipeline_id: string;
  failed_at: number;
  analyzed_at: number;
  result: Record<string, unknown>;
};

/** Root-cause results and the failure history they draw on. */
export interface RootCauseStore {
  save(rows: readonly RootCauseRow[]): Promise<void>;
  /** The newest analysis of an execution, or null. */
  get(executionId: string): Promise<RootCauseRow | null>;
  /**
   * Distinct runs of the pipeline's stage that failed in [sinceMs, untilMs), other than those of
   * `excludeExecutionId`.
   */
  countStageFailures(q: {
    pipelineId: string;
    stageName: string;
    sinceMs: number;
    untilMs: number;
    excludeExecutionId: string | null;
  }): Promise<number>;
}

/** A page of a list filtered by pipeline and time (epoch ms; `since` inclusive, `until` exclusive). */
export interface TimedPageQuery {
  pipeline_id?: string;
  limit: number;
  offset: number;
  since?: number;
  until?: number;
}

/** Insights of every type (anomaly, optimization, …) as the web app reads them. */
export interface InsightStore {
  /** Inserts or, for the same source and source_id, replaces the content (a dismissal stays). */
  upsert(rows: readonly InsightRow[]): Promise<void>;
  /** Not dismissed, newest first; the times filter created_at. */
  list(q: TimedPageQuery): Promise<Page<InsightRow>>;
  /** Marks an insight dismissed; false when there is no such insight. */
  dismiss(id: string): Promise<boolean>;
}
