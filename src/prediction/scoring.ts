import { featureVector, type FeatureValues } from './features.js';
import { predictFailure, probabilityOfRaw, type FailureModel } from './failure-model.js';
import { riskFactors } from './explain.js';
import { heuristicFactors, heuristicRisk } from './heuristic.js';
import { ContributionCache } from './shap-cache.js';

/** The words the original used for who answered. */
export type ModelType = 'gradient_boosting' | 'heuristic';

/** A failure probability, who gave it and why. */
export interface FailureScore {
  failure_probability: number;
  model_type: ModelType;
  /** Null for the heuristic. */
  model_version: string | null;
  top_risk_factors: string[];
  /** Per feature: TreeSHAP log-odds (model) or the formula term (heuristic). */
  contributions: Record<string, number>;
}

/** A failure model in use, its registry name and its remembered TreeSHAP. */
export interface VersionedFailureModel {
  version: string;
  model: FailureModel;
  explainer: ContributionCache;
}

/** Wraps a loaded failure model for scoring. */
export function versionedFailureModel(version: string, model: FailureModel): VersionedFailureModel {
  return { version, model, explainer: new ContributionCache(model.gbdt) };
}

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/**
 * Scores the features with a trained model: calibrated probability and, unless `explain` is false
 * (shadow scores, which never reach a person), TreeSHAP contributions and factors.
 */
export function scoreWithModel(
  m: VersionedFailureModel,
  features: FeatureValues,
  explain = true,
): FailureScore {
  const names = m.model.featureNames;
  const x = featureVector(names, features);
  if (!explain) return modelScore(m, predictFailure(m.model, x));
  // One pass over the trees gives the raw score and the TreeSHAP values (see ContributionCache).
  const phi = new Float64Array(names.length);
  const score = modelScore(m, probabilityOfRaw(m.model, m.explainer.explain(x, phi)));
  const parts = names.map((feature, i) => ({ feature, value: x[i], contribution: phi[i] }));
  for (const c of parts) if (c.contribution !== 0) score.contributions[c.feature] = round4(c.contribution);
  score.top_risk_factors = riskFactors(parts, features);
  return score;
}

function modelScore(m: VersionedFailureModel, p: number): FailureScore {
  return {
    failure_probability: round4(Math.min(1, Math.max(0, p))),
    model_type: 'gradient_boosting',
    model_version: m.version,
    top_risk_factors: [],
    contributions: {},
  };
}

/** Scores the features with the weighted risk formula (no model, or too little history). */
export function scoreHeuristic(features: FeatureValues): FailureScore {
  const risk = heuristicRisk(features);
  const byName: Record<string, number> = {};
  for (const t of risk.terms) if (t.contribution > 0) byName[t.feature] = round4(t.contribution);
  return {
    failure_probability: round4(risk.failure_probability),
    model_type: 'heuristic',
    model_version: null,
    top_risk_factors: heuristicFactors(risk),
    contributions: byName,
  };
}
