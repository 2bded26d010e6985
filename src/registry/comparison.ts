import { brierScore, rocAuc } from '../ml/index.js';
import type { ModelKind, ScoredOutcome } from '../ports/index.js';

/** How one version did on the labelled requests of the window. */
export interface VersionMetrics {
  /** Null unless both outcomes (0 and 1) occurred. */
  roc_auc: number | null;
  /** Null when the version has no outcomes. */
  brier: number | null;
  outcomes: number;
}

export interface ComparedVersion {
  model_version: string;
  metrics: VersionMetrics;
}

/** Champion (the full version) against challenger (the canary, else the newest shadow). */
export interface Comparison {
  kind: ModelKind;
  champion: ComparedVersion | null;
  challenger: ComparedVersion | null;
  /** Start of the window both were measured on, epoch ms. */
  since: number;
  /** Outcomes behind the comparison: the smaller of the two versions' counts. */
  outcomes: number;
}

/** ROC-AUC and Brier score of one version's outcomes. */
export function versionMetrics(outcomes: readonly ScoredOutcome[]): VersionMetrics {
  const labels = outcomes.map((o) => o.label);
  const scores = outcomes.map((o) => o.score);
  const positives = labels.reduce<number>((n, y) => n + y, 0);
  return {
    roc_auc: positives > 0 && positives < labels.length ? rocAuc(labels, scores) : null,
    brier: labels.length > 0 ? brierScore(labels, scores) : null,
    outcomes: labels.length,
  };
}

/** Splits the outcomes by version and measures the two versions on them. */
export function compareOutcomes(
  kind: ModelKind,
  champion: string | null,
  challenger: string | null,
  since: number,
  outcomes: readonly ScoredOutcome[],
): Comparison {
  const measure = (version: string | null): ComparedVersion | null =>
    version === null
      ? null
      : {
          model_version: version,
          metrics: versionMetrics(outcomes.filter((o) => o.model_version === version)),
        };
  const a = measure(champion);
  const b = measure(challenger);
  return {
    kind,
    champion: a,
    challenger: b,
    since,
    outcomes: a === null || b === null ? 0 : Math.min(a.metrics.outcomes, b.metrics.outcomes),
  };
}

/** Why the gate would not promote the challenger, or null when it is not worse on AUC and Brier. */
export function gateRefusal(c: Comparison, minOutcomes: number): string | null {
  if (c.champion === null) return `no full ${c.kind} version to compare with`;
  if (c.challenger === null) return `no canary or shadow ${c.kind} version to promote`;
  if (c.outcomes < minOutcomes) return `${c.outcomes} outcomes in the window, ${minOutcomes} needed`;
  const a = c.champion.metrics;
  const b = c.challenger.metrics;
  if (a.roc_auc === null || b.roc_auc === null || a.brier === null || b.brier === null) {
    return 'AUC undefined: the window holds only one kind of outcome';
  }
  if (b.roc_auc < a.roc_auc) return `challenger AUC ${round(b.roc_auc)} < champion ${round(a.roc_auc)}`;
  if (b.brier > a.brier) return `challenger Brier ${round(b.brier)} > champion ${round(a.brier)}`;
  return null;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
