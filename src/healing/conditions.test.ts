import { describe, expect, it } from 'vitest';
import { evaluateCondition, parseCondition } from './conditions.js';
import { makeContext } from './testing.js';
import type { Condition, RunbookProblem } from './types.js';

function parse(raw: unknown): { cond: Condition | null; problems: RunbookProblem[] } {
  const problems: RunbookProblem[] = [];
  return { cond: parseCondition(raw, 'when', problems), problems };
}

function holds(raw: unknown, ctx = makeContext()): boolean {
  const { cond, problems } = parse(raw);
  expect(problems).toEqual([]);
  return evaluateCondition(cond as Condition, ctx);
}

describe('condition language', () => {
  const failing = makeContext({
    kpis: { failure_rate: 0.4, avg_cpu_percent: 91, latency_spike: true },
    signatures: [
      { signature: 'timeout', count: 5 },
      { signature: 'connection', count: 2 },
    ],
    failing_stage: 'transform',
    anomaly: {
      id: 'a1',
      kind: 'execution',
      score: 0.9,
      reasons: ['cpu high'],
      algorithm: 'zscore_rules',
      model_version: null,
      metric: null,
      features: { cpu_percent: 91 },
    },
  });

  it('compares numbers, strings and booleans', () => {
    expect(holds({ field: 'snapshot.failure_rate', op: '>=', value: 0.3 }, failing)).toBe(true);
    expect(holds({ field: 'snapshot.failure_rate', op: '<', value: 0.3 }, failing)).toBe(false);
    expect(holds({ field: 'snapshot.latency_spike', op: '==', value: true }, failing)).toBe(true);
    expect(holds({ field: 'signatures.dominant', op: '==', value: 'timeout' }, failing)).toBe(true);
    expect(holds({ field: 'signatures.dominant', op: '!=', value: 'timeout' }, failing)).toBe(false);
    expect(holds({ field: 'anomaly.features.cpu_percent', op: '>', value: 90 }, failing)).toBe(true);
    expect(holds({ field: 'failing_stage.is_critical', op: '==', value: false }, failing)).toBe(true);
    expect(holds({ field: 'signatures.retryable', op: '==', value: true }, failing)).toBe(true);
    expect(holds({ field: 'snapshot.timeout_usage', op: '>', value: 0.1 }, failing)).toBe(true);
    const noTimeout = { ...failing, pipeline: { ...failing.pipeline, timeout_seconds: null } };
    expect(holds({ field: 'snapshot.timeout_usage', op: 'exists' }, noTimeout)).toBe(false);
  });

  it('combines with all, any and not', () => {
    const cond = {
      all: [
        { field: 'snapshot.failure_rate', op: '>=', value: 0.3 },
        {
          any: [
            { field: 'snapshot.avg_cpu_percent', op: '>', value: 95 },
            { field: 'snapshot.latency_spike', op: '==', value: true },
          ],
        },
        { not: { field: 'pipeline.is_critical', op: '==', value: true } },
      ],
    };
    expect(holds(cond, failing)).toBe(true);
    expect(holds(cond, makeContext())).toBe(false);
  });

  it('in, not_in and contains work on scalars and lists', () => {
    expect(holds({ field: 'signatures.dominant', op: 'in', value: ['timeout', 'connection'] }, failing)).toBe(
      true,
    );
    expect(holds({ field: 'signatures.classes', op: 'in', value: ['connection'] }, failing)).toBe(true);
    expect(holds({ field: 'signatures.classes', op: 'not_in', value: ['schema_mismatch'] }, failing)).toBe(
      true,
    );
    expect(holds({ field: 'signatures.classes', op: 'contains', value: 'timeout' }, failing)).toBe(true);
    expect(holds({ field: 'pipeline.tags', op: 'contains', value: 'billing' }, failing)).toBe(false);
    expect(holds({ field: 'pipeline.name', op: 'contains', value: 'p1' }, failing)).toBe(true);
  });

  it('an absent field fails every comparison; exists tells', () => {
    const ctx = makeContext();
    expect(holds({ field: 'anomaly.score', op: '>=', value: 0 }, ctx)).toBe(false);
    expect(holds({ field: 'anomaly.score', op: '!=', value: 1 }, ctx)).toBe(false);
    expect(holds({ field: 'anomaly.score', op: 'exists' }, ctx)).toBe(false);
    expect(holds({ field: 'anomaly.score', op: 'exists', value: false }, ctx)).toBe(true);
    expect(holds({ field: 'anomaly.score', op: 'exists' }, failing)).toBe(true);
  });

  it('reports every problem with its path', () => {
    const { cond, problems } = parse({
      all: [
        { field: 'snapshot.failure_rat', op: '>=', value: 0.3 },
        { field: 'snapshot.latency_spike', op: '>', value: 1 },
        { field: 'pipeline.tags', op: '==', value: 'x' },
        { any: [] },
        { field: 'snapshot.failure_rate', op: 'between', value: 1 },
        { field: 'signatures.dominant', op: 'in', value: ['a', 3] },
        { all: [], field: 'x' },
        'oops',
      ],
    });
    expect(cond).toBeNull();
    expect(problems).toEqual([
      { path: 'when.all.0.field', message: 'unknown field "snapshot.failure_rat" (see docs/HEALING.md)' },
      { path: 'when.all.1.value', message: '> needs a number field, not a boolean' },
      { path: 'when.all.2.value', message: '== does not apply to a list field; use contains or in' },
      { path: 'when.all.3.any', message: 'must be a non-empty list of conditions' },
      { path: 'when.all.4.op', message: expect.stringMatching(/^must be one of ==, !=/) },
      { path: 'when.all.5.value.1', message: 'must be a string' },
      { path: 'when.all.6', message: 'must have only one of all, any, not or field (has all, field)' },
      { path: 'when.all.7', message: expect.stringMatching(/^must be an object/) },
    ]);
  });
});
