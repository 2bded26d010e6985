import { effectiveZ, statsAt, type Baseline } from './baseline.js';
import { feedbackForestBars, feedbackTolerances, tolerated, type LabelledRun } from './feedback.js';
import { hourOfRow } from './features.js';
import { forestScoreOf, type AnomalyModel } from './model.js';
import { rawScore } from './scoring.js';

/**
 * A trained model with what the labelled runs teach it: per-pipeline tolerances for the statistics,
 * then per-pipeline bars for the forest, both judged against the baselines detection will use.
 */
export function withFeedback(
  model: AnomalyModel,
  labelled: readonly LabelledRun[],
  baselineOf: (pipelineId: string) => Baseline | null,
): AnomalyModel {
  const tolerances = feedbackTolerances(labelled, baselineOf, model.features);
  const rawOf = (run: LabelledRun): number => {
    const b = baselineOf(run.pipeline_id) ?? model.baseline;
    const hour = hourOfRow(run.features);
    let maxZ = 0;
    for (const f of model.features) {
      const s = tolerated(statsAt(b, f, hour), tolerances[run.pipeline_id], f);
      maxZ = Math.max(maxZ, effectiveZ(s, f, run.features[f]));
    }
    return rawScore(forestScoreOf(model, run.features), maxZ);
  };
  const forestBars = feedbackForestBars(labelled, rawOf, model.calibration.threshold);
  return { ...model, tolerances, forestBars };
}
