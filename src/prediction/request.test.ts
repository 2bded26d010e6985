import { describe, expect, it } from 'vitest';
import { parsePredictRequest, parseTrainingSamples } from './request.js';

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { field?: string }).field;
  }
  return 'no error';
};

describe('prediction requests', () => {
  it('reads the original body: missing numbers are 0, stages default to critical', () => {
    const r = parsePredictRequest({
      historical_failure_rate: 0.3,
      avg_cpu_percent: null,
      stages: [{ id: 'extract', retry_count: 2, historical_failure_rate: 0.4 }],
    });
    expect(r.features).toMatchObject({ historical_failure_rate: 0.3, avg_cpu_percent: 0, stage_count: 0 });
    expect(r.stages).toEqual([{ name: 'extract', retry_count: 2, failure_rate: 0.4, is_critical: true }]);
    expect(r.pipeline_id).toBeNull();
  });

  it('names the field at fault', () => {
    expect(fieldOf(() => parsePredictRequest({ avg_cpu_percent: 'high' }))).toBe('avg_cpu_percent');
    expect(fieldOf(() => parsePredictRequest({ historical_failure_rate: 1.5 }))).toBe(
      'historical_failure_rate',
    );
    expect(fieldOf(() => parsePredictRequest({ stages: [{ retry_count: 1 }] }))).toBe('stages.0.name');
    expect(fieldOf(() => parsePredictRequest({ stages: [{ name: 'a', is_critical: 'yes' }] }))).toBe(
      'stages.0.is_critical',
    );
    expect(fieldOf(() => parsePredictRequest([]))).toBe('body');
    expect(fieldOf(() => parseTrainingSamples([{ stage_count: 2 }]))).toBe('0.failed');
    expect(
      fieldOf(() => parseTrainingSamples([{ failed: true }, { failed: false, retry_frequency: -1 }])),
    ).toBe('1.retry_frequency');
  });

  it('treats an empty body or {} as "train from the store"', () => {
    expect(parseTrainingSamples(undefined)).toBeNull();
    expect(parseTrainingSamples({})).toBeNull();
    expect(parseTrainingSamples([{ failed: 1 }])?.[0].failed).toBe(true);
  });
});
