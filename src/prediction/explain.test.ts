import { describe, expect, it } from 'vitest';
import { describeFeature, riskFactors } from './explain.js';
import { heuristicFactors, heuristicRisk } from './heuristic.js';

describe('risk factors', () => {
  it('says the value and how it compares with the pipeline norm', () => {
    expect(describeFeature('fail_rate_24h', 0.45, { fail_rate_all: 0.09 })).toBe(
      "failure rate over the last 24 h is 0.45, 5.0× this pipeline's norm (0.09)",
    );
    expect(describeFeature('seconds_since_last_success', 18_000, {})).toBe('last success was 5.0 h ago');
    expect(describeFeature('trigger_type', 2, {})).toBe('started by a webhook');
  });

  it('lists what raises the risk, largest first, with the direction', () => {
    const factors = riskFactors(
      [
        { feature: 'avg_cpu_percent', value: 92, contribution: 0.3 },
        { feature: 'consecutive_failures', value: 3, contribution: 0.9 },
        { feature: 'stage_count', value: 4, contribution: -0.2 },
      ],
      {},
    );
    expect(factors).toEqual([
      '3 failures in a row (raises the risk)',
      'average CPU over the recent runs is 92% (raises the risk)',
    ]);
    expect(riskFactors([{ feature: 'stage_count', value: 4, contribution: -0.2 }], {})).toEqual([
      '4 stages to pass (lowers the risk)',
    ]);
  });

  it('explains the heuristic by its formula terms', () => {
    const risk = heuristicRisk({ historical_failure_rate: 0.6, avg_cpu_percent: 100, stage_count: 4 });
    expect(risk.failure_probability).toBeCloseTo(0.35 * 0.6 + 0.1 + 0.05 * 0.2, 10);
    expect(heuristicFactors(risk)[0]).toBe('historical failure rate is 0.60 (adds 0.21 to the risk)');
    expect(heuristicRisk({}).failure_probability).toBe(0);
  });
});
