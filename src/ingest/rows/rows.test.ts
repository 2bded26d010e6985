import { describe, expect, it } from 'vitest';
import { decodeSourceRow, parseCriticalTypes, type SourceRowContext, type StageMeta } from '../index.js';

const stage: StageMeta = {
  stage_id: 'st-1',
  pipeline_id: 'p-1',
  name: 'load',
  type: 'output',
  order_index: 2,
  is_critical: true,
  config: null,
};
const ctx: SourceRowContext = {
  receivedAt: Date.parse('2026-03-01T12:00:00Z'),
  stage: (id) => (id === 'st-1' ? stage : undefined),
  keyPrefix: 'src:public',
  criticalTypes: parseCriticalTypes('input,transform,output'),
};

describe('FlexiRoaster row decoders', () => {
  it('turns an executions row into the execution state keyed by its id, aggregates from context', () => {
    const d = decodeSourceRow(
      'executions',
      {
        id: 'x-1',
        pipeline_id: 'p-1',
        status: 'failed',
        started_at: new Date('2026-03-01T11:00:00Z'),
        completed_at: '2026-03-01T11:01:30Z',
        duration_seconds: null,
        trigger_type: 'scheduled',
        error_message: 'timeout',
        context: JSON.stringify({ retry_count: 2, cpu_percent: '55.5', stage_errors: ['load: timeout'] }),
        created_at: '2026-03-01T10:59:59Z',
      },
      ctx,
    );
    expect(d.kind).toBe('event');
    if (d.kind !== 'event' || d.event.kind !== 'execution') throw new Error('not an execution');
    expect(d.event).toMatchObject({
      key: 'x:p-1:x-1',
      status: 'failed',
      duration_seconds: 90,
      retry_count: 2,
      cpu_percent: 55.5,
      stage_errors: ['load: timeout'],
      event_time: Date.parse('2026-03-01T11:01:30Z'),
      trigger_type: 'scheduled',
    });
  });

  it('places a stage run in its pipeline with the stage name and criticality from the metadata', () => {
    const d = decodeSourceRow(
      'execution_stages',
      {
        id: 'es-1',
        execution_id: 'x-1',
        stage_id: 'st-1',
        status: 'completed',
        retry_count: 1,
        output: null,
      },
      ctx,
    );
    if (d.kind !== 'event' || d.event.kind !== 'stage') throw new Error('not a stage');
    expect(d.event).toMatchObject({
      key: 's:p-1:x-1:st-1',
      stage_name: 'load',
      is_critical: true,
      retry_count: 1,
    });
  });

  it('keys logs and metrics by their event_id, else by table row id; metric ids come from tags', () => {
    const log = decodeSourceRow(
      'logs',
      {
        id: '17',
        level: 'ERROR',
        pipeline_id: 'p-1',
        message: 'boom',
        metadata: null,
        created_at: '2026-03-01T11:00:00Z',
      },
      ctx,
    );
    expect(log.kind === 'event' && log.event.key).toBe('e:src:public:logs:17');
    const metric = decodeSourceRow(
      'metrics',
      {
        id: 9,
        metric_name: 'cpu_percent',
        metric_type: 'gauge',
        value: '42.5',
        tags: { pipeline_id: 'p-1', execution_id: 'x-1', event_id: 'm-7' },
      },
      ctx,
    );
    expect(metric.kind === 'event' && metric.event).toMatchObject({
      key: 'e:m-7',
      value: 42.5,
      execution_id: 'x-1',
    });
  });

  it('reads pipeline metadata and stage criticality (config first, then the type default)', () => {
    const p = decodeSourceRow(
      'pipelines',
      {
        id: 'p-1',
        name: 'n',
        version: 3,
        schedule_cron: '0 * * * *',
        timeout_seconds: 600,
        definition: { a: 1 },
        tags: ['x'],
      },
      ctx,
    );
    expect(p).toMatchObject({
      kind: 'pipeline',
      pipeline: { version: 3, schedule_cron: '0 * * * *', timeout_seconds: 600 },
    });
    const byConfig = decodeSourceRow(
      'pipeline_stages',
      { id: 's', pipeline_id: 'p-1', name: 'v', type: 'input', order_index: 0, config: { critical: false } },
      ctx,
    );
    expect(byConfig.kind === 'stage_meta' && byConfig.stage.is_critical).toBe(false);
    const byType = decodeSourceRow(
      'pipeline_stages',
      { id: 's', pipeline_id: 'p-1', name: 'v', type: 'validation', order_index: 0, config: null },
      ctx,
    );
    expect(byType.kind === 'stage_meta' && byType.stage.is_critical).toBe(false);
  });

  it.each([
    ['executions', { id: 'x', pipeline_id: 'p', status: 'exploded' }, 'status'],
    ['executions', { id: 'x', pipeline_id: null, status: 'running' }, 'pipeline_id'],
    ['executions', { id: 'x', pipeline_id: 'p', status: 'running', context: '{not json' }, 'context'],
    ['executions', { id: 'x', pipeline_id: 'p', status: 'running', context: [1, 2] }, 'context'],
    ['executions', { id: 'x', pipeline_id: 'p', status: 'running', started_at: 'yesterday' }, 'started_at'],
    ['execution_stages', { id: 'e', execution_id: 'x', stage_id: 'unknown', status: 'running' }, 'stage_id'],
    ['logs', { id: 1, level: 'LOUD', pipeline_id: 'p', message: 'm' }, 'level'],
    ['logs', { id: 1, level: 'INFO', pipeline_id: 'p', message: null }, 'message'],
    ['metrics', { id: 1, metric_name: 'cpu', value: 1, tags: '"garbage"' }, 'tags'],
    ['metrics', { id: 1, metric_name: 'cpu', value: 1, tags: { execution_id: 'x' } }, 'tags.pipeline_id'],
    ['metrics', { id: 1, metric_name: 'cpu', value: 'NaN', tags: { pipeline_id: 'p' } }, 'value'],
    ['pipeline_stages', { id: 's', pipeline_id: 'p', name: 'n', type: 'weird', order_index: 0 }, 'type'],
  ] as const)('rejects a bad %s row naming %s', (table, row, field) => {
    const d = decodeSourceRow(table, row, ctx);
    expect(d.kind).toBe('rejected');
    if (d.kind === 'rejected') expect(d.rejection).toMatchObject({ table, field });
  });
});
