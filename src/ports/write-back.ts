import type { IncidentRow, InsightRow } from './anomalies.js';

/**
 * An `ai_insights` row to write, in FlexiRoaster's columns. `key` names the row: the same key always
 * lands on the same row (the adapter derives its uuid from it), so a retry never adds a second one.
 */
export type AiInsightWrite = {
  key: string;
  insight_type: InsightRow['insight_type'];
  pipeline_id: string;
  execution_id: string | null;
  severity: InsightRow['severity'];
  title: string;
  description: string;
  recommendation: string | null;
  /** In [0, 1] with two decimals (numeric(3,2)). */
  confidence: number;
  metadata: Record<string, unknown>;
  /** Epoch ms. */
  created_at: number;
};

/** An `alerts` row to open (or, for an incident already over, to write resolved). Times: epoch ms. */
export type AlertWrite = {
  key: string;
  severity: 'critical' | 'high' | 'medium' | 'low';
  title: string;
  message: string;
  source: string;
  /** Null for an alert of the whole fleet. */
  pipeline_id: string | null;
  /** The alert kind: at most one alert per pipeline and kind from this source is open. */
  kind: string;
  metadata: Record<string, unknown>;
  created_at: number;
  /** Set for an incident that resolved before its alert was written: the alert is written resolved. */
  resolved_at: number | null;
};

/** A row the target refused (a constraint, a value it does not take), with the database's reason. */
export type RejectedRow = { key: string; reason: string };

/** The FlexiRoaster tables insights and alerts are written to (a source database or the demo schema). */
export interface WriteBackTarget {
  /** Of these pipeline ids, those with a row in `pipelines` (ids that are no uuid have none). */
  existingPipelines(ids: readonly string[]): Promise<Set<string>>;
  /** Of these execution ids, those with a row in `executions`. */
  existingExecutions(ids: readonly string[]): Promise<Set<string>>;
  /**
   * Writes the rows in one transaction. A key written before is updated in place (new content of a
   * replaced insight) and keeps its `is_dismissed`. Rows the target refuses are left out and
   * returned; any other failure (the target down) rejects and nothing is written.
   */
  writeInsights(rows: readonly AiInsightWrite[]): Promise<RejectedRow[]>;
  /**
   * Writes the alerts in one transaction; a key written before is left as it is. Before an alert
   * opens, other open or acknowledged alerts of this source for its pipeline and kind are resolved.
   * Rows the target refuses are left out and returned, as by writeInsights.
   */
  openAlerts(rows: readonly AlertWrite[]): Promise<RejectedRow[]>;
  /** Resolves the alerts of these keys (those not resolved yet), in one transaction. */
  resolveAlerts(rows: readonly { key: string; resolved_at: number }[]): Promise<void>;
  /** Of these insight keys, those whose row is dismissed (`is_dismissed`). */
  dismissedInsights(keys: readonly string[]): Promise<Set<string>>;
  /** Marks the rows of these keys dismissed (keys with no row are no-ops). */
  dismissInsights(keys: readonly string[]): Promise<void>;
}

/**
 * An insight waiting to be written back, or, once dismissed here, its dismissal. `stamp` names its
 * version (a replacement or a dismissal changes it).
 */
export type PendingInsight = InsightRow & { stamp: string; dismissed: boolean };

/** What became of an insight in the target: written, dismissed, or skipped with a reason. */
export type InsightOutcome = {
  id: string;
  stamp: string;
  outcome: 'written' | 'dismissed' | `skipped:${string}`;
};

/** The state of an incident's alert in the target. */
export type IncidentAlertState = {
  incident_id: string;
  pipeline_id: string;
  kind: string;
  status: 'open' | 'resolved' | 'skipped';
  reason: string | null;
};

/** The service's own record of what was written back (advanced only after the target committed). */
export interface WriteBackLedger {
  /** Insights not written back yet, and those dismissed here since, oldest first. */
  pendingInsights(limit: number): Promise<PendingInsight[]>;
  /** Records the outcomes at `atMs`; an insight whose content changed since it was read stays pending. */
  markInsights(outcomes: readonly InsightOutcome[], atMs: number): Promise<void>;
  /** Incidents with no alert state yet, oldest first. */
  incidentsWithoutAlert(limit: number): Promise<IncidentRow[]>;
  /** Incidents resolved whose alert is still open in the target. */
  resolvedWithOpenAlert(limit: number): Promise<IncidentRow[]>;
  /** Inserts or replaces alert states at `atMs`. */
  markAlerts(states: readonly IncidentAlertState[], atMs: number): Promise<void>;
  /** Ids of written insights not dismissed here, newest first. */
  writtenInsights(limit: number): Promise<string[]>;
  /** Marks these insights dismissed as read back from the target (nothing to carry there). */
  dismiss(ids: readonly string[]): Promise<void>;
}
