import { describe, expect, it } from 'vitest';
import { ValidationError } from '../shared/index.js';
import { parseRecommendationRequest, recommend } from './recommendations.js';

describe('recommend', () => {
  it('the original case: at least 3 recommendations, each with a priority and the number behind it', () => {
    const { recommendations } = recommend(
      parseRecommendationRequest({
        avg_duration_seconds: 300,
        retry_frequency: 1.4,
        avg_cpu_percent: 87,
        avg_memory_percent: 82,
        stage_count: 6,
        parallelizable: true,
      }),
    );
    expect(recommendations.length).toBeGreaterThanOrEqual(3);
    expect(recommendations.map((r) => r.kind).sort()).toEqual([
      'parallelize_stages',
      'reduce_retries',
      'scale_cpu',
      'scale_memory',
    ]);
    for (const r of recommendations) {
      expect(r.priority_score).toBeCloseTo(r.confidence * r.impact_score, 2);
      expect(r.confidence).toBeGreaterThan(0);
      expect(r.recommendation).toContain(String(r.driver.value));
    }
    const priorities = recommendations.map((r) => r.priority_score);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    expect(recommendations.find((r) => r.kind === 'reduce_retries')?.recommendation).toMatch(
      /retry 1\.4 times/,
    );
    expect(recommendations.find((r) => r.kind === 'scale_cpu')?.recommendation).toMatch(/87%/);
  });

  it('grows confidence and impact with how far a KPI is past its threshold', () => {
    const at = (cpu: number) =>
      recommend(parseRecommendationRequest({ avg_cpu_percent: cpu })).recommendations.find(
        (r) => r.kind === 'scale_cpu',
      );
    expect(at(99)?.priority_score).toBeGreaterThan(at(80)?.priority_score ?? 1);
    expect(at(60)).toBeUndefined();
  });

  it('covers long runs, a long sequential graph and idle workers', () => {
    const kinds = (body: object) =>
      recommend(parseRecommendationRequest(body)).recommendations.map((r) => r.kind);
    expect(kinds({ avg_duration_seconds: 3600 })).toContain('shorten_runs');
    expect(kinds({ stage_count: 12, parallelizable: false })).toContain('review_stage_graph');
    expect(kinds({ avg_cpu_percent: 10, avg_memory_percent: 15 })).toEqual(['right_size_down']);
  });

  it('recommends nothing when every KPI is healthy', () => {
    expect(
      recommend(parseRecommendationRequest({ avg_cpu_percent: 50, avg_memory_percent: 50, stage_count: 2 })),
    ).toEqual({
      recommendations: [],
    });
  });
});

describe('parseRecommendationRequest', () => {
  it('reads missing numbers as 0', () => {
    expect(parseRecommendationRequest({})).toEqual({
      avg_duration_seconds: 0,
      retry_frequency: 0,
      avg_cpu_percent: 0,
      avg_memory_percent: 0,
      stage_count: 0,
      parallelizable: false,
    });
  });

  it.each([
    ['nope', 'body'],
    [{ avg_duration_seconds: '300' }, 'avg_duration_seconds'],
    [{ retry_frequency: -1 }, 'retry_frequency'],
    [{ avg_cpu_percent: 101 }, 'avg_cpu_percent'],
    [{ avg_memory_percent: Number.NaN }, 'avg_memory_percent'],
    [{ stage_count: 2.5 }, 'stage_count'],
    [{ parallelizable: 'true' }, 'parallelizable'],
  ])('names the field at fault: %j → %s', (body, name) => {
    expect(() => parseRecommendationRequest(body)).toThrow(ValidationError);
    try {
      parseRecommendationRequest(body);
    } catch (err) {
      expect((err as ValidationError).field).toBe(name);
    }
  });
});
