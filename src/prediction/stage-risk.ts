/** What stage risk needs of one stage: its record and whether the pipeline depends on it. */
export interface StageRiskInput {
  name: string;
  /** The stage's failure rate over its recent runs (unknown: NaN). */
  failure_rate: number;
  /** Its mean retries per run (unknown: NaN). */
  retry_count: number;
  is_critical: boolean;
}

export interface StageRisk {
  name: string;
  risk: number;
  is_critical: boolean;
}

/** Share of the pipeline's risk a non-critical stage carries (a critical one carries all of it). */
const NON_CRITICAL_SHARE = 0.5;
/** Each retry a stage needs adds this much, up to MAX_RETRIES retries. */
const RETRY_STEP = 0.05;
const MAX_RETRIES = 5;

/**
 * Each stage's risk: the chance that any of its own record, the pipeline's risk (fully for a
 * critical stage, half otherwise) or its retries predicts a failure — 1 − Π(1 − term). Every term is
 * in [0, 1], so the score is too; it rises with each input, so stages rank by all three.
 */
export function stageRisks(pipelineProbability: number, stages: readonly StageRiskInput[]): StageRisk[] {
  const p = Math.min(1, Math.max(0, pipelineProbability));
  return stages.map((s) => {
    const own = Number.isFinite(s.failure_rate) ? Math.min(1, Math.max(0, s.failure_rate)) : 0;
    const retries = Number.isFinite(s.retry_count) ? Math.min(MAX_RETRIES, Math.max(0, s.retry_count)) : 0;
    const share = s.is_critical ? 1 : NON_CRITICAL_SHARE;
    const risk = 1 - (1 - own) * (1 - p * share) * (1 - RETRY_STEP * retries);
    return { name: s.name, risk: Math.round(risk * 1e4) / 1e4, is_critical: s.is_critical };
  });
}
