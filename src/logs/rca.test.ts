import { describe, expect, it } from 'vitest';
import { ValidationError } from '../shared/index.js';
import { analyzeRootCause } from './rca.js';
import { parseRootCauseRequest } from './rca-request.js';

const analyze = (body: unknown): ReturnType<typeof analyzeRootCause> =>
  analyzeRootCause(parseRootCauseRequest(body));

describe('analyzeRootCause', () => {
  it('the original case: extract failed on connection errors → connection_issue', () => {
    const r = analyze({
      stages: [
        { name: 'extract', status: 'failed' },
        { name: 'transform', status: 'pending' },
      ],
      logs: ['connection refused from upstream service', 'socket timeout'],
      metrics: { cpu_percent: 60, memory_percent: 50, latency_spike: true },
      history: { same_stage_failures_last_7d: 4, recent_deployment: false },
    });
    expect(r.failing_stage).toBe('extract');
    expect(r.primary_cause).toBe('connection_issue');
    expect(r.confidence).toBeGreaterThanOrEqual(0.6);
    expect(r.signature).toBe('connection');
    expect(r.evidence).toContain('stage "extract" failed');
    expect(r.evidence.join('\n')).toMatch(
      /connection \(connection refused.*"connection refused from upstream service" ×1/,
    );
    expect(r.evidence.join('\n')).toMatch(/timeout .*"socket timeout" ×1/);
    expect(r.contributing_factors).toContain('latency spike at the time of the failure');
    expect(r.contributing_factors.join('\n')).toMatch(/failed 4 times in the last 7 days \(recurring/);
  });

  it('saturated memory with an OOM trace → resource_bottleneck with signature out_of_memory', () => {
    const r = analyze({
      stages: [{ name: 'aggregate', status: 'failed' }],
      logs: [
        'ERROR executor lost',
        'java.lang.OutOfMemoryError: Java heap space',
        '\tat java.util.Arrays.copyOf(Arrays.java:3236)',
      ],
      metrics: { cpu_percent: 70, memory_percent: 97 },
    });
    expect(r).toMatchObject({ primary_cause: 'resource_bottleneck', signature: 'out_of_memory' });
    expect(r.evidence).toContain('memory_percent 97 ≥ 90');
    expect(r.confidence).toBeGreaterThan(0.8);
  });

  it('CPU ≥ 90% alone is a resource bottleneck, without a log signature', () => {
    const r = analyze({
      stages: [{ name: 'load', status: 'failed' }],
      logs: [],
      metrics: { cpu_percent: 96 },
    });
    expect(r).toMatchObject({ primary_cause: 'resource_bottleneck', signature: 'unknown' });
    expect(r.evidence).toContain('cpu_percent 96 ≥ 90');
  });

  it('counts repeated lines as one template and quotes its count', () => {
    const logs = ['ERROR:  null value in column "id" of relation "orders" violates not-null constraint'];
    logs.push(logs[0].replace('"id"', '"sku"'), logs[0].replace('"id"', '"price"'));
    const r = analyze({ stages: [{ name: 'load', status: 'failed' }], logs });
    expect(r).toMatchObject({ primary_cause: 'data_inconsistency', signature: 'data_quality' });
    expect(r.evidence.join('\n')).toMatch(
      /3 log lines — "ERROR: null value in column "<\*>" of relation "<\*>" violates not-null constraint" ×3/,
    );
  });

  it('maps auth, permission and missing resources to configuration_error', () => {
    for (const line of [
      'FATAL:  password authentication failed for user "etl"',
      'ERROR:  permission denied for table orders',
      'psycopg2.errors.UndefinedTable: relation "staging.orders" does not exist',
    ]) {
      expect(analyze({ stages: [{ name: 's', status: 'failed' }], logs: [line] }).primary_cause).toBe(
        'configuration_error',
      );
    }
  });

  it('uses context signatures and a recent deployment when the logs say little', () => {
    const r = analyze({
      stages: [{ name: 'publish', status: 'failed' }],
      logs: ['job ended with exit code 1'],
      signatures: [{ signature: 'schema_mismatch', count: 6, template: 'column "<*>" does not exist' }],
      version_changes: [
        { version: 'v42', summary: 'renamed discount column', changed_at: '2024-06-01T09:00:00Z' },
      ],
    });
    expect(r).toMatchObject({ primary_cause: 'data_inconsistency', signature: 'schema_mismatch' });
    expect(r.evidence.join('\n')).toMatch(/6 earlier — "column "<\*>" does not exist" ×6/);
    expect(r.evidence).toContain('pipeline version v42: renamed discount column (2024-06-01T09:00:00Z)');
  });

  it('answers unknown with a low confidence when nothing points anywhere', () => {
    const r = analyze({ stages: [{ name: 'a', status: 'completed' }], logs: ['all good'] });
    expect(r).toMatchObject({ failing_stage: null, primary_cause: 'unknown', signature: 'unknown' });
    expect(r.confidence).toBeLessThan(0.3);
    expect(r.evidence).toEqual(['no log line matched a known error signature']);
  });

  it('names a cancellation without turning it into a cause', () => {
    const r = analyze({
      stages: [{ name: 'a', status: 'failed' }],
      logs: ['Run 8 was cancelled by user bob'],
    });
    expect(r).toMatchObject({ primary_cause: 'unknown', signature: 'cancelled' });
    expect(r.contributing_factors.join('\n')).toMatch(/cancelled \(cancelled by user/);
  });

  it('lowers the confidence when another cause has strong evidence too', () => {
    const alone = analyze({ stages: [{ name: 'a', status: 'failed' }], logs: ['connection refused'] });
    const contested = analyze({
      stages: [{ name: 'a', status: 'failed' }],
      logs: ['connection refused'],
      metrics: { cpu_percent: 99 },
    });
    expect(contested.primary_cause).toBe('connection_issue');
    expect(contested.confidence).toBeLessThan(alone.confidence);
    expect(contested.contributing_factors.join('\n')).toMatch(/CPU at 99% \(≥ 90%\)/);
  });
});

describe('parseRootCauseRequest', () => {
  const fieldOf = (body: unknown): string | undefined => {
    try {
      parseRootCauseRequest(body);
    } catch (err) {
      if (err instanceof ValidationError) return err.field;
      throw err;
    }
    return undefined;
  };

  it('reads missing numbers as 0 and missing flags as false', () => {
    expect(parseRootCauseRequest({})).toEqual({
      stages: [],
      logs: [],
      metrics: { cpu_percent: 0, memory_percent: 0, latency_spike: false },
      history: { same_stage_failures_last_7d: 0, recent_deployment: false },
      signatures: [],
      version_changes: [],
    });
    expect(parseRootCauseRequest({ metrics: { cpu_percent: null } }).metrics.cpu_percent).toBe(0);
  });

  it.each([
    [[], 'body'],
    [{ stages: 'extract' }, 'stages'],
    [{ stages: [{ status: 'failed' }] }, 'stages.0.name'],
    [{ stages: [{ name: 'a', status: 3 }] }, 'stages.0.status'],
    [{ logs: ['ok', 7] }, 'logs.1'],
    [{ metrics: { cpu_percent: '60' } }, 'metrics.cpu_percent'],
    [{ metrics: { memory_percent: 140 } }, 'metrics.memory_percent'],
    [{ metrics: { latency_spike: 'yes' } }, 'metrics.latency_spike'],
    [{ metrics: 5 }, 'metrics'],
    [{ history: { same_stage_failures_last_7d: 1.5 } }, 'history.same_stage_failures_last_7d'],
    [{ history: { recent_deployment: 1 } }, 'history.recent_deployment'],
    [{ signatures: [{ signature: 'gremlins', count: 1 }] }, 'signatures.0.signature'],
    [{ version_changes: [{ version: 3 }] }, 'version_changes.0.version'],
  ])('names the field at fault: %j → %s', (body, name) => {
    expect(fieldOf(body)).toBe(name);
  });

  it('accepts a stage named by id', () => {
    expect(parseRootCauseRequest({ stages: [{ id: 's1', status: 'failed' }] }).stages[0].name).toBe('s1');
  });
});
