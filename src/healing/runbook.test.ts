import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/index.js';
import {
  RunbookInvalidError,
  assertUniqueNames,
  parseRunbook,
  parseRunbookText,
  validateRunbook,
} from './runbook.js';

const minimal = { when: { field: 'snapshot.failure_rate', op: '>=', value: 0.5 }, actions: ['retry_stage'] };

function problemsOf(source: unknown, name = 'rb'): RunbookInvalidError {
  try {
    parseRunbook(source, name);
  } catch (e) {
    expect(e).toBeInstanceOf(RunbookInvalidError);
    return e as RunbookInvalidError;
  }
  throw new Error('expected the runbook to be invalid');
}

describe('runbook validation', () => {
  it('fills defaults: enabled, priority 0, the service default mode, action params', () => {
    const rb = parseRunbook(minimal, 'retry-on-failure');
    expect(rb).toMatchObject({
      name: 'retry-on-failure',
      enabled: true,
      priority: 0,
      mode: null,
      requires_approval: false,
    });
    expect(rb.actions).toEqual([
      {
        action: 'retry_stage',
        params: { stage: null, max_attempts: 3, backoff: { base_ms: 1000, max_ms: 60000, jitter: 'full' } },
      },
    ]);
  });

  it("names the runbook, each problem's path and what is wrong, all at once", () => {
    const err = problemsOf(
      {
        name: 'broken',
        mode: 'sometimes',
        priority: 1.5,
        colour: 'red',
        when: { field: 'snapshot.nope', op: '>=', value: 1 },
        actions: [
          { action: 'retry_stage', params: { max_attempts: 0, backoff: { base_ms: 5000, max_ms: 1000 } } },
          { action: 'scale_workers', params: { delta: 2, maximum: 3 } },
          { action: 'reboot_everything' },
          { action: 'increase_timeout', params: { factor: 0.5 } },
        ],
      },
      'broken.yaml',
    );
    expect(err.code).toBe('RUNBOOK_INVALID');
    expect(err).toBeInstanceOf(AppError);
    expect(err.runbook).toBe('broken');
    expect(err.problems.map((p) => p.path)).toEqual([
      'colour',
      'priority',
      'mode',
      'when.field',
      'actions.0.params.max_attempts',
      'actions.0.params.backoff.max_ms',
      'actions.1.params.maximum',
      'actions.2.action',
      'actions.3.params.factor',
    ]);
    expect(err.message).toMatch(/^runbook "broken" is invalid: colour: unknown key/);
    expect(err.message).toContain('actions.0.params.max_attempts: must be an integer in 1..10');
    expect(err.message).toContain('actions.0.params.backoff.max_ms: must be ≥ backoff.base_ms');
    expect(err.message).toContain('when.field: unknown field "snapshot.nope"');
    expect(err.field).toBe('colour');
  });

  it('requires when and a non-empty list of actions', () => {
    expect(validateRunbook({}, 'empty').problems).toEqual([
      { path: 'when', message: 'is required' },
      { path: 'actions', message: 'must be a non-empty list of actions' },
    ]);
    expect(validateRunbook([], 'list').problems[0].path).toBe('');
    expect(validateRunbook({ ...minimal, name: 'bad name!' }, 'x').problems[0].path).toBe('name');
  });

  it('reads YAML text and reports a syntax error with its line', () => {
    const rb = parseRunbookText(
      [
        'name: from-yaml',
        'priority: 5',
        'when: {field: snapshot.avg_cpu_percent, op: ">=", value: 90}',
        'actions:',
        '  - scale_workers',
      ].join('\n'),
      'x.yaml',
    );
    expect(rb).toMatchObject({
      name: 'from-yaml',
      priority: 5,
      actions: [{ action: 'scale_workers', params: { delta: 1, max: 10 } }],
    });
    expect(() => parseRunbookText('when: [unclosed', 'bad.yaml')).toThrow(
      /runbook "bad.yaml" is invalid: .*line 1/,
    );
  });

  it('refuses two runbooks with one name', () => {
    const a = parseRunbook(minimal, 'same');
    expect(() => assertUniqueNames([a, a])).toThrow(RunbookInvalidError);
    expect(() => assertUniqueNames([a, parseRunbook(minimal, 'other')])).not.toThrow();
  });
});
