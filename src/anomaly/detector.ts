import { tolerated } from './feedback.js';
import { effectiveZ, statsAt, type Baseline, type BaselineScope, type BaselineSet } from './baseline.js';
import { FEATURE_NAMES, FEATURES, hourOfRow, type FeatureName } from './features.js';
import { forestScoreOf, type AnomalyModel } from './model.js';
import { fmt, zReason } from './reasons.js';
import { applyRules, type RuleName } from './rules.js';
import { calibrate, DEFAULT_THRESHOLD, rawScore, ruleFloor, Z_LIMIT, zEvidence } from './scoring.js';

/** The `algorithm` words of the original: which parts ran. */
export type AnomalyAlgorithm = 'isolation_forest+zscore' | 'zscore_rules';

/** A model and the registry version it was saved as. */
export interface VersionedModel {
  model: AnomalyModel;
  version: string;
}

/** What the detector knows besides the record. */
export interface DetectContext {
  model: VersionedModel | null;
  baselines: BaselineSet;
  pipelineId: string | null;
  /** The run's distinct error signatures (named in the log-pattern reason). */
  signatures: readonly string[];
  threshold?: number;
}

/** The answer: the original's fields, plus model version, contributions and what the decision rested on. */
export interface Detection {
  is_anomaly: boolean;
  score: number;
  reasons: string[];
  algorithm: AnomalyAlgorithm;
  model_version: string | null;
  /** Each feature's share of the statistical evidence (squared z), summing to 1 when any deviates. */
  contributions: Partial<Record<FeatureName, number>>;
  rules_fired: RuleName[];
  baseline: BaselineScope | null;
  /** Limits of this answer (untrained, no baseline), in words. */
  notes: string[];
}

/** Picks the baseline: the pipeline's own, else the model's training one, else the fleet's. */
function chooseBaseline(ctx: DetectContext): { baseline: Baseline; scope: BaselineScope } | null {
  const own = ctx.pipelineId === null ? undefined : ctx.baselines.pipelines.get(ctx.pipelineId);
  if (own !== undefined) return { baseline: own, scope: 'pipeline' };
  if (ctx.model !== null) return { baseline: ctx.model.model.baseline, scope: 'model' };
  if (ctx.baselines.fleet !== null) return { baseline: ctx.baselines.fleet, scope: 'fleet' };
  return null;
}

const ALL = FEATURES.map((_, i) => i);

/**
 * Judges one feature vector (see recordFeatures): the Isolation Forest when a model is trained,
 * the z-score of every feature against its baseline, and the deterministic rules. Never throws on
 * an unseen pipeline: it falls back to the model's or the fleet's baseline, then to rules alone.
 */
export function detect(row: Float64Array, ctx: DetectContext): Detection {
  const w = weigh(row, ctx);
  const { chosen, model, tolerances, statsOf, features, zs } = w;
  const reasons: string[] = [];
  const notes: string[] = [];
  const contributions: Partial<Record<FeatureName, number>> = {};

  let sumSq = 0;
  zs.forEach((z, i) => {
    sumSq += z * z;
    const s = statsOf(features[i]);
    if (z >= Z_LIMIT && s !== null && chosen !== null) {
      reasons.push(zReason(features[i], row[features[i]], signedZ(row, features[i], s, z), s, chosen.scope));
    }
  });
  zs.forEach((z, i) => (contributions[FEATURE_NAMES[features[i]]] = sumSq > 0 ? round4((z * z) / sumSq) : 0));

  if (model !== null) {
    if (w.hybrid >= (ctx.threshold ?? DEFAULT_THRESHOLD)) {
      reasons.push(
        `isolation forest: this combination of values is rare among the training runs (forest score ${fmt(w.forestScore)}, typical training run ${fmt(model.calibration.forestMedian)})`,
      );
    }
  } else {
    notes.push('no model trained yet: statistics and rules only');
  }
  if (chosen === null)
    notes.push('no baseline yet for this pipeline or the fleet: rules on absolute limits only');
  if (tolerances !== undefined && Object.keys(tolerances).length > 0) {
    const widened = Object.entries(tolerances).map(([n, k]) => `${n} ×${fmt(k ?? 1)}`);
    notes.push(`feedback on false alarms widened this pipeline's normal range: ${widened.join(', ')}`);
  }

  for (const h of w.hits) reasons.push(h.reason);
  return {
    is_anomaly: w.score >= (ctx.threshold ?? DEFAULT_THRESHOLD),
    score: round4(w.score),
    reasons,
    algorithm: model === null ? 'zscore_rules' : 'isolation_forest+zscore',
    model_version: ctx.model?.version ?? null,
    contributions,
    rules_fired: w.hits.map((h) => h.rule),
    baseline: chosen?.scope ?? null,
    notes,
  };
}

/**
 * detect's is_anomaly alone, from the same numbers, without the words, contributions and notes:
 * online detection asks it of every finished run and builds the full answer for the few it flags.
 */
export function isAnomalous(row: Float64Array, ctx: DetectContext): boolean {
  return weigh(row, ctx).score >= (ctx.threshold ?? DEFAULT_THRESHOLD);
}

/** The numbers a verdict rests on: each judged feature's z, the forest's and the rules' say, the score. */
function weigh(row: Float64Array, ctx: DetectContext) {
  const chosen = chooseBaseline(ctx);
  const hour = hourOfRow(row);
  const model = ctx.model?.model ?? null;
  const tolerances = ctx.pipelineId === null ? undefined : model?.tolerances[ctx.pipelineId];
  const statsOf = (f: number) =>
    chosen === null ? null : tolerated(statsAt(chosen.baseline, f, hour), tolerances, f);
  const features = model?.features ?? ALL;
  const zs = new Array<number>(features.length);
  let maxZ = 0;
  for (let i = 0; i < features.length; i++) {
    zs[i] = effectiveZ(statsOf(features[i]), features[i], row[features[i]]);
    maxZ = Math.max(maxZ, zs[i]);
  }
  let score: number;
  let forestScore = NaN;
  let hybrid = NaN;
  if (model !== null) {
    forestScore = forestScoreOf(model, row);
    // Feedback may have raised this pipeline's bar for the forest (see feedbackForestBars).
    const bar = ctx.pipelineId === null ? undefined : model.forestBars[ctx.pipelineId];
    const calibration =
      bar === undefined
        ? model.calibration
        : { ...model.calibration, threshold: Math.max(bar, model.calibration.threshold) };
    hybrid = calibrate(rawScore(forestScore, maxZ), calibration);
    // A feature at |z| ≥ 3 is anomalous on its own, as without a model (calibration counts it).
    score = Math.max(hybrid, zEvidence(maxZ));
  } else {
    score = zEvidence(maxZ);
  }
  const hits = applyRules(row, statsOf, chosen?.scope ?? null, ctx.signatures);
  score = Math.max(score, ruleFloor(hits.length));
  return { chosen, model, tolerances, statsOf, features, zs, forestScore, hybrid, hits, score };
}

// effectiveZ drops the sign for two-sided features; the reason says which way the value moved.
function signedZ(
  row: Float64Array,
  f: number,
  s: { mean: number; median: number; skewed: boolean },
  z: number,
): number {
  return row[f] < (s.skewed ? s.median : s.mean) ? -z : z;
}

function round4(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
