/** One stored anomaly: what was judged, the verdict, the model version, and its incident. Times: epoch ms. */
export type AnomalyRow = {
  id: string;
  kind: string;
  pipeline_id: string;
  execution_id: string | null;
  metric: string | null;
  detected_at: number;
  score: number;
  reasons: string[];
  algorithm: string;
  model_version: string | null;
  contributions: Record<string, number>;
  inputs: Record<string, unknown>;
  incident_id: string | null;
};

/** One incident: anomalies of a pipeline and kind from the first until normal again. */
export type IncidentRow = {
  id: string;
  pipeline_id: string;
  kind: string;
  status: 'open' | 'resolved';
  opened_at: number;
  last_seen_at: number;
  resolved_at: number | null;
  anomaly_count: number;
  max_score: number;
  title: string;
};

/** An insight as FlexiRoaster's `ai_insights` holds it, kept here until written back. */
export type InsightRow = {
  id: string;
  insight_type: 'failure_prediction' | 'anomaly' | 'optimization' | 'cost';
  /** What the insight is about: an anomaly or an incident, by id. */
  source: string;
  source_id: string;
  pipeline_id: string;
  execution_id: string | null;
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  title: string;
  description: string;
  recommendation: string | null;
  /** 0..1, two decimals as ai_insights keeps it. */
  confidence: number;
  metadata: Record<string, unknown>;
  created_at: number;
};

/** A person's verdict on an anomaly, kept for training. */
export type FeedbackRow = {
  id: string;
  anomaly_id: string;
  label: 'true_positive' | 'false_positive';
  note: string | null;
  created_at: number;
};

/** List filters (CONVENTIONS.md lists, plus kind and min_score). Times are epoch ms. */
export interface AnomalyListQuery {
  limit: number;
  offset: number;
  since?: number;
  until?: number;
  pipeline_id?: string;
  kind?: string;
  min_score?: number;
}

/** A page of a list and the count of all matches. */
export interface Page<T> {
  items: T[];
  total: number;
}

/** Where anomalies, incidents, their insights and feedback are kept. */
export interface AnomalyStore {
  /** Stores new anomalies, inserts or updates incidents, stores insights — in one transaction. */
  save(batch: { anomalies: AnomalyRow[]; incidents: IncidentRow[]; insights: InsightRow[] }): Promise<void>;
  /** Newest first; filters on detected_at. */
  listAnomalies(q: AnomalyListQuery): Promise<Page<AnomalyRow>>;
  /** Newest first; filters on opened_at, min_score on max_score. */
  listIncidents(q: AnomalyListQuery): Promise<Page<IncidentRow>>;
  openIncidents(): Promise<IncidentRow[]>;
  getAnomaly(id: string): Promise<AnomalyRow | null>;
  addFeedback(f: FeedbackRow): Promise<void>;
  /** Feedback newest first. */
  listFeedback(limit: number): Promise<FeedbackRow[]>;
  /** The latest feedback label of every execution that has one (training leaves confirmed anomalies out). */
  executionLabels(): Promise<{ pipeline_id: string; execution_id: string; label: FeedbackRow['label'] }[]>;
}
