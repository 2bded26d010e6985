import { centerOf, spreadOf, type BaselineScope, type FeatureStats } from './baseline.js';
import { FEATURES } from './features.js';

/** A number as people read it: whole when whole, else up to 3 significant decimals. */
export function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  return abs >= 100 ? v.toFixed(1) : abs >= 1 ? v.toFixed(2) : v.toPrecision(2);
}

function withUnit(feature: number, v: number): string {
  const unit = FEATURES[feature].unit;
  return unit === '' ? fmt(v) : unit === '%' || unit === '×' ? `${fmt(v)}${unit}` : `${fmt(v)} ${unit}`;
}

const SCOPE_WORDS: Record<BaselineScope, string> = {
  pipeline: "this pipeline's",
  fleet: 'the fleet-wide',
  model: 'the training',
};

const SCOPE_OWNER: Record<BaselineScope, string> = {
  pipeline: 'this pipeline',
  fleet: 'the fleet',
  model: 'the training runs',
};

/**
 * The baseline in words: "the training baseline of 29.50 s (mean, spread 3.03)", or for a time-of-day
 * baseline "the 120 s usual for this pipeline at 02:00–03:00 UTC (time-of-day baseline: mean, spread
 * 9.50)".
 */
export function baselineWords(s: FeatureStats, feature: number, scope: BaselineScope): string {
  const kind = s.skewed ? 'median' : 'mean';
  const spread = fmt(spreadOf(s, feature));
  const centre = withUnit(feature, centerOf(s));
  return s.window === undefined
    ? `${SCOPE_WORDS[scope]} baseline of ${centre} (${kind}, spread ${spread})`
    : `the ${centre} usual for ${SCOPE_OWNER[scope]} at ${s.window} (time-of-day baseline: ${kind}, spread ${spread})`;
}

/** "execution_time_s is 200 s, far above this pipeline's baseline of 29.50 s (mean, spread 3.03; z = 56.3)". */
export function zReason(
  feature: number,
  value: number,
  z: number,
  s: FeatureStats,
  scope: BaselineScope,
): string {
  const where = z > 0 ? 'above' : 'below';
  return `${FEATURES[feature].name} is ${withUnit(feature, value)}, far ${where} ${baselineWords(s, feature, scope)}; z = ${fmt(z)}`;
}

/** A value and its baseline in words, for rules ("…, baseline 0 failures" or "no baseline yet"). */
export function valueAgainst(
  feature: number,
  value: number,
  s: FeatureStats | null,
  scope: BaselineScope | null,
): string {
  const v = `${FEATURES[feature].name} = ${withUnit(feature, value)}`;
  return s === null || scope === null
    ? `${v} (no baseline yet)`
    : `${v} against ${baselineWords(s, feature, scope)}`;
}
