import {
  parseRecommendationRequest,
  recommend,
  type Recommendation,
  type RecommendationRequest,
} from '../logs/index.js';
import type { PipelineSnapshot } from '../monitoring/index.js';
import type { InsightRow, InsightStore, TimedPageQuery } from '../ports/index.js';
import { ValidationError, type Clock } from '../shared/index.js';

export interface RecommendationDeps {
  insights: InsightStore;
  snapshot: (pipelineId: string) => PipelineSnapshot | undefined;
  clock: Clock;
}

/** One insight as the FlexiRoaster web app reads it (plus its id, to dismiss it). */
export interface WebInsight {
  id: string;
  type: InsightRow['insight_type'];
  severity: InsightRow['severity'];
  title: string;
  message: string;
  recommendation: string | null;
  confidence: number;
  pipeline_id: string;
  execution_id: string | null;
  timestamp: string;
}

type Obj = Record<string, unknown>;
const KPI_FIELDS = [
  'avg_duration_seconds',
  'retry_frequency',
  'avg_cpu_percent',
  'avg_memory_percent',
] as const;

/**
 * `POST /api/ai/recommendations` and the insight list: recommendations from a pipeline's KPIs (the
 * body's, else the live snapshot's), kept per pipeline as `optimization` insights — one per kind of
 * change, replaced when asked again — and every insight listed in the web app's shape.
 */
export class RecommendationService {
  constructor(private readonly deps: RecommendationDeps) {}

  /** A ValidationError names the first bad field. */
  async recommend(
    body: unknown,
  ): Promise<{ recommendations: Recommendation[]; pipeline_id: string | null; kpis: RecommendationRequest }> {
    const kpis = parseRecommendationRequest(body);
    const o = body as Obj;
    const pipelineId = o.pipeline_id ?? null;
    if (pipelineId !== null && typeof pipelineId !== 'string')
      throw new ValidationError('pipeline_id', 'pipeline_id must be a string');
    if (pipelineId === null) return { ...recommend(kpis), pipeline_id: null, kpis };
    const snap = this.deps.snapshot(pipelineId);
    if (snap !== undefined) {
      for (const f of KPI_FIELDS) if (o[f] === undefined || o[f] === null) kpis[f] = snap.metrics[f];
      if (o.stage_count === undefined || o.stage_count === null)
        kpis.stage_count = Object.keys(snap.metrics.stage_failure_counts).length;
    }
    const { recommendations } = recommend(kpis);
    const now = this.deps.clock.now();
    await this.deps.insights.upsert(recommendations.map((r) => optimizationInsight(pipelineId, r, now)));
    return { recommendations, pipeline_id: pipelineId, kpis };
  }

  /** Insights not dismissed, newest first (`since`/`until` on creation), in the web app's shape. */
  async insights(q: TimedPageQuery): Promise<{
    insights: WebInsight[];
    total_count: number;
    generated_at: string;
  }> {
    const page = await this.deps.insights.list(q);
    return {
      insights: page.items.map(webInsight),
      total_count: page.total,
      generated_at: new Date(this.deps.clock.now()).toISOString(),
    };
  }

  /** Hides an insight from the lists; false when there is no such insight. */
  dismiss(id: string): Promise<boolean> {
    return this.deps.insights.dismiss(id);
  }
}

/** ai_insights severity of a recommendation's priority. */
function severityOf(priority: number): InsightRow['severity'] {
  return priority >= 0.6 ? 'high' : priority >= 0.3 ? 'medium' : 'low';
}

/** A recommendation as the pipeline's `optimization` insight of its kind. */
function optimizationInsight(pipelineId: string, r: Recommendation, now: number): InsightRow {
  // The texts read "Do this: because …"; the head is the title, the whole the message.
  const colon = r.recommendation.indexOf(': ');
  return {
    id: `optimization:${pipelineId}:${r.kind}`,
    insight_type: 'optimization',
    source: 'recommendation',
    source_id: `${pipelineId}:${r.kind}`,
    pipeline_id: pipelineId,
    execution_id: null,
    severity: severityOf(r.priority_score),
    title: colon > 0 ? r.recommendation.slice(0, colon) : r.kind,
    description: r.recommendation,
    recommendation: colon > 0 ? r.recommendation.slice(colon + 2) : r.recommendation,
    confidence: r.confidence,
    metadata: {
      kind: r.kind,
      impact_score: r.impact_score,
      priority_score: r.priority_score,
      driver: r.driver,
    },
    created_at: now,
  };
}

function webInsight(i: InsightRow): WebInsight {
  return {
    id: i.id,
    type: i.insight_type,
    severity: i.severity,
    title: i.title,
    message: i.description,
    recommendation: i.recommendation,
    confidence: i.confidence,
    pipeline_id: i.pipeline_id,
    execution_id: i.execution_id,
    timestamp: new Date(i.created_at).toISOString(),
  };
}
