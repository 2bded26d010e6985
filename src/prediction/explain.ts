import { known, triggerOfCode, type FeatureValues } from './features.js';

/** A feature's share of one prediction (TreeSHAP, in log-odds) and its value. */
export interface Contribution {
  feature: string;
  value: number;
  contribution: number;
}

const num = (v: number, digits = 2) => (Number.isInteger(v) ? String(v) : v.toFixed(digits));
const plural = (n: number, word: string) => `${num(n)} ${word}${n === 1 ? '' : 's'}`;

function duration(seconds: number): string {
  if (seconds < 120) return `${num(seconds, 0)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(0)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

/** "5× this pipeline's norm (0.09)" when a rate is well above or below the pipeline's long-run rate. */
function againstNorm(value: number, f: FeatureValues): string {
  const norm = f.fail_rate_all;
  if (!Number.isFinite(norm)) return '';
  if (norm === 0) return value > 0 ? ", where this pipeline's norm is 0" : '';
  const ratio = value / norm;
  if (ratio >= 1.5) return `, ${ratio.toFixed(ratio < 10 ? 1 : 0)}× this pipeline's norm (${num(norm)})`;
  if (ratio <= 1 / 1.5) return `, below this pipeline's norm (${num(norm)})`;
  return '';
}

const TRIGGER_WORDS = {
  manual: 'hand',
  scheduled: 'the schedule',
  webhook: 'a webhook',
  api: 'the API',
} as const;
const HORIZON_WORDS: Record<string, string> = { '1h': '1 h', '24h': '24 h', '7d': '7 days' };

/** What a feature's value says, in words; families (rates, counts, times) share one pattern. */
export function describeFeature(feature: string, value: number, f: FeatureValues): string {
  if (Number.isNaN(value)) return `${feature.replace(/_/g, ' ')} is unknown`;
  let m = /^fail_rate_last_(\d+)$/.exec(feature);
  if (m) return `failure rate over the last ${m[1]} runs is ${num(value)}${againstNorm(value, f)}`;
  m = /^fail_rate_(\w+)$/.exec(feature);
  if (m && m[1] !== 'all')
    return `failure rate over the last ${HORIZON_WORDS[m[1]] ?? m[1]} is ${num(value)}${againstNorm(value, f)}`;
  m = /^runs_(\w+)$/.exec(feature);
  if (m) return `${plural(value, 'run')} in the last ${HORIZON_WORDS[m[1]] ?? m[1]}`;
  m = /^seconds_since_(\w+)$/.exec(feature);
  if (m) return `${m[1].replace(/_/g, ' ')} was ${duration(value)} ago`;
  switch (feature) {
    case 'historical_failure_rate':
      return `failure rate over the last 7 days is ${num(value)}${againstNorm(value, f)}`;
    case 'fail_rate_all':
      return `long-run failure rate is ${num(value)}`;
    case 'recent_error_count':
      return `${plural(value, 'error line')} in the last hour`;
    case 'recent_error_signatures':
      return `${plural(value, 'distinct error signature')} in the last 24 h`;
    case 'stage_count':
      return `${plural(value, 'stage')} to pass`;
    case 'critical_stage_count':
      return `${plural(value, 'critical stage')}`;
    case 'avg_cpu_percent':
      return `average CPU over the recent runs is ${value.toFixed(0)}%`;
    case 'avg_memory_percent':
      return `average memory over the recent runs is ${value.toFixed(0)}%`;
    case 'retry_frequency':
      return `${num(value)} retries per run recently`;
    case 'prev_failed':
      return value >= 1 ? 'the previous run failed' : 'the previous run succeeded';
    case 'consecutive_failures':
      return `${plural(value, 'failure')} in a row`;
    case 'consecutive_successes':
      return `${num(value)} success${value === 1 ? '' : 'es'} in a row`;
    case 'runs_so_far':
      return `${plural(value, 'run')} of history`;
    case 'prev_duration_seconds':
      return `the previous run took ${duration(value)}`;
    case 'duration_trend':
      return value >= 0
        ? `recent runs take ${(value * 100).toFixed(0)}% longer than usual`
        : `recent runs take ${(-value * 100).toFixed(0)}% less time than usual`;
    case 'trigger_type': {
      const t = triggerOfCode(value);
      return t === null ? 'started by an unknown trigger' : `started by ${TRIGGER_WORDS[t]}`;
    }
    case 'hour_of_day': {
      const h = Math.floor(value);
      const min = Math.floor((value - h) * 60);
      return `starts at ${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')} UTC`;
    }
    case 'version_changed_24h':
      return value >= 1
        ? "the pipeline's definition changed in the last 24 h"
        : "the pipeline's definition has not changed in the last 24 h";
    case 'hours_since_version_change':
      return `the definition changed ${duration(value * 3600)} ago`;
    default:
      return `${feature.replace(/_/g, ' ')} is ${num(value)}`;
  }
}

/**
 * Readable risk factors from per-feature contributions: those that raise the risk, largest first;
 * when none does, the one that lowers it most. Each names the value and the direction.
 */
export function riskFactors(contributions: readonly Contribution[], f: FeatureValues, limit = 5): string[] {
  const sorted = contributions
    .filter((c) => Number.isFinite(c.contribution) && c.contribution !== 0)
    .sort((a, b) => b.contribution - a.contribution);
  const raising = sorted.filter((c) => c.contribution > 0).slice(0, limit);
  const chosen = raising.length > 0 ? raising : sorted.slice(-1);
  return chosen.map(
    (c) =>
      `${describeFeature(c.feature, known(c.value, NaN), f)} (${c.contribution > 0 ? 'raises' : 'lowers'} the risk)`,
  );
}
