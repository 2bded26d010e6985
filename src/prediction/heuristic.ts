import { known, type FeatureValues } from './features.js';

/** One term of the weighted risk formula: its weight and how a feature maps to [0, 1]. */
interface Term {
  feature: string;
  weight: number;
  scale: (value: number, f: FeatureValues) => number;
  text: (value: number) => string;
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
const pct = (v: number) => `${v.toFixed(0)}%`;

/** The formula's terms; the weights sum to 1, so the risk stays in [0, 1]. */
const TERMS: readonly Term[] = [
  {
    feature: 'historical_failure_rate',
    weight: 0.35,
    scale: (v) => clamp01(v),
    text: (v) => `historical failure rate is ${v.toFixed(2)}`,
  },
  {
    feature: 'recent_error_count',
    weight: 0.15,
    scale: (v) => clamp01(v / 5),
    text: (v) => `${v} recent error${v === 1 ? '' : 's'}`,
  },
  {
    feature: 'retry_frequency',
    weight: 0.15,
    scale: (v) => clamp01(v / 3),
    text: (v) => `${v.toFixed(2)} retries per run`,
  },
  {
    feature: 'avg_cpu_percent',
    weight: 0.1,
    scale: (v) => clamp01((v - 70) / 30),
    text: (v) => `average CPU is ${pct(v)}`,
  },
  {
    feature: 'avg_memory_percent',
    weight: 0.1,
    scale: (v) => clamp01((v - 70) / 30),
    text: (v) => `average memory is ${pct(v)}`,
  },
  {
    feature: 'critical_stage_count',
    weight: 0.1,
    scale: (v, f) => clamp01(v / Math.max(known(f.stage_count), v, 1)),
    text: (v) => `${v} critical stage${v === 1 ? '' : 's'}`,
  },
  {
    feature: 'stage_count',
    weight: 0.05,
    scale: (v) => clamp01(v / 20),
    text: (v) => `${v} stage${v === 1 ? '' : 's'} to pass`,
  },
];

/** The heuristic's answer: the risk and what each term added to it, largest first. */
export interface HeuristicRisk {
  failure_probability: number;
  terms: { feature: string; value: number; contribution: number; text: string }[];
}

/**
 * The fallback when no model can answer: a weighted sum of the original features, each scaled to
 * [0, 1] (unknown values count as 0). Deterministic and explainable term by term.
 */
export function heuristicRisk(f: FeatureValues): HeuristicRisk {
  const terms = TERMS.map((t) => {
    const value = known(f[t.feature]);
    const contribution = t.weight * t.scale(value, f);
    return { feature: t.feature, value, contribution, text: t.text(value) };
  });
  const p = terms.reduce((s, t) => s + t.contribution, 0);
  terms.sort((a, b) => b.contribution - a.contribution);
  return { failure_probability: clamp01(p), terms };
}

/** Readable factors of the heuristic: the terms that added risk, largest first. */
export function heuristicFactors(risk: HeuristicRisk, limit = 5): string[] {
  return risk.terms
    .filter((t) => t.contribution > 0)
    .slice(0, limit)
    .map((t) => `${t.text} (adds ${t.contribution.toFixed(2)} to the risk)`);
}
