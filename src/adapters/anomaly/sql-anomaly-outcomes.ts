import type { ModelKind, ModelOutcomes, ScoredOutcome, SqlClient } from '../../ports/index.js';

const S = 'flexiroaster_ai';

/**
 * Outcomes of the anomaly models: the anomalies each version flagged that someone labelled
 * (anomaly feedback; the latest label of an anomaly counts). Unflagged runs carry no label, so these
 * measure how a version ranks what it flagged, not what it missed.
 */
export class SqlAnomalyOutcomes implements ModelOutcomes {
  constructor(private readonly sql: SqlClient) {}

  async scoredOutcomes(kind: ModelKind, modelVersions: string[], since: number): Promise<ScoredOutcome[]> {
    if (kind !== 'anomaly' || modelVersions.length === 0) return [];
    const r = await this.sql.query<ScoredOutcome>(
      `SELECT a.model_version, a.score, CASE WHEN f.label = 'true_positive' THEN 1 ELSE 0 END AS label,
         (extract(epoch from a.detected_at) * 1000)::float8 AS at
       FROM ${S}.anomalies a
       JOIN LATERAL (
         SELECT label FROM ${S}.anomaly_feedback WHERE anomaly_id = a.id ORDER BY created_at DESC, id DESC LIMIT 1
       ) f ON true
       WHERE a.model_version = ANY($1::text[]) AND a.detected_at >= to_timestamp($2::float8 / 1000)`,
      [modelVersions, since],
    );
    return r.rows;
  }
}
