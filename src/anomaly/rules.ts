import { effectiveZ, type BaselineScope, type FeatureStats } from './baseline.js';
import { FEATURE_INDEX, FEATURES } from './features.js';
import { valueAgainst } from './reasons.js';
import { Z_LIMIT } from './scoring.js';

/** The deterministic rules, each on one feature. */
export const RULES = [
  { name: 'failure_spike', feature: FEATURE_INDEX.failure_count_1h, words: 'failure spike in the last hour' },
  { name: 'retry_burst', feature: FEATURE_INDEX.retry_count, words: 'retry burst' },
  { name: 'log_pattern', feature: FEATURE_INDEX.error_pattern_score, words: 'log-pattern anomaly' },
] as const;

/** A rule's name. */
export type RuleName = (typeof RULES)[number]['name'];

/** A rule that fired and why, in words. */
export interface RuleHit {
  rule: RuleName;
  reason: string;
}

/**
 * Rules fire when the feature reaches its absolute minimum (FEATURES.ruleMin: 3 failures in the hour,
 * 3 retries, 2 distinct error signatures) and is also ≥ 3 spreads above its baseline, so a pipeline
 * that always retries three times is not flagged; with no baseline the minimum alone decides.
 */
export function applyRules(
  row: Float64Array,
  statsOf: (feature: number) => FeatureStats | null,
  scope: BaselineScope | null,
  signatures: readonly string[],
): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const r of RULES) {
    const value = row[r.feature];
    const min = FEATURES[r.feature].ruleMin;
    if (!Number.isFinite(value) || min === null || value < min) continue;
    const s = statsOf(r.feature);
    if (s !== null && effectiveZ(s, r.feature, value) < Z_LIMIT) continue;
    const detail =
      r.name === 'log_pattern' && signatures.length > 0 ? ` (signatures: ${signatures.join(', ')})` : '';
    hits.push({ rule: r.name, reason: `${r.words}: ${valueAgainst(r.feature, value, s, scope)}${detail}` });
  }
  return hits;
}
