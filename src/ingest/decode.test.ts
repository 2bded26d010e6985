import { describe, expect, it } from 'vitest';
import { decodeBatch, decodeEvent } from './decode.js';
import { parseNdjson } from './ndjson.js';
import { ValidationError } from '../shared/index.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
let counter = 0;
const ctx = { receivedAt: NOW, newId: () => `id${++counter}` };

function fieldOf(value: unknown): string | undefined {
  try {
    decodeEvent(value, ctx);
  } catch (err) {
    if (err instanceof ValidationError) return err.field;
    throw err;
  }
  return undefined;
}

describe('flat (original) execution records', () => {
  it('decodes the original record, missing numbers as 0, receive time as event time', () => {
    const e = decodeEvent({ pipeline_id: 'p1', status: 'failed', error_message: 'timeout' }, ctx);
    expect(e).toMatchObject({
      kind: 'execution',
      pipeline_id: 'p1',
      status: 'failed',
      duration_seconds: 0,
      retry_count: 0,
      cpu_percent: 0,
      throughput_per_minute: 0,
      event_time: NOW,
      received_at: NOW,
      error_message: 'timeout',
    });
    expect(e.key.startsWith('n:')).toBe(true);
  });

  it('takes the event time from completed_at, then timestamp, then started_at', () => {
    const t = (o: object) => decodeEvent({ pipeline_id: 'p', ...o }, ctx).event_time;
    expect(t({ started_at: '2026-03-01T10:00:00Z', timestamp: '2026-03-01T10:30:00Z' })).toBe(
      Date.parse('2026-03-01T10:30:00Z'),
    );
    expect(t({ started_at: '2026-03-01T10:00:00Z', completed_at: '2026-03-01T11:00:00Z' })).toBe(
      Date.parse('2026-03-01T11:00:00Z'),
    );
    expect(t({ started_at: '2026-03-01T10:00:00Z' })).toBe(Date.parse('2026-03-01T10:00:00Z'));
  });

  it('keys by execution id (id or execution_id), else event_id, else a fresh id', () => {
    expect(decodeEvent({ pipeline_id: 'p', id: 'x1' }, ctx).key).toBe('x:p:x1');
    expect(decodeEvent({ pipeline_id: 'p', execution_id: 'x2' }, ctx).key).toBe('x:p:x2');
    expect(decodeEvent({ pipeline_id: 'p', event_id: 'e9' }, ctx).key).toBe('e:e9');
    const a = decodeEvent({ pipeline_id: 'p' }, ctx).key;
    const b = decodeEvent({ pipeline_id: 'p' }, ctx).key;
    expect(a).not.toBe(b);
  });
});

describe('typed events', () => {
  it('decodes execution, stage, log and metric', () => {
    const x = decodeEvent(
      { type: 'execution', pipeline_id: 'p', execution_id: 'e1', status: 'running' },
      ctx,
    );
    expect(x).toMatchObject({ kind: 'execution', status: 'running', cpu_percent: null });
    const s = decodeEvent(
      {
        type: 'stage',
        pipeline_id: 'p',
        execution_id: 'e1',
        stage_id: 's1',
        stage_name: 'extract',
        status: 'failed',
      },
      ctx,
    );
    expect(s).toMatchObject({ kind: 'stage', key: 's:p:e1:s1', stage_name: 'extract', is_critical: true });
    const l = decodeEvent({ type: 'log', pipeline_id: 'p', level: 'ERROR', message: 'boom' }, ctx);
    expect(l).toMatchObject({ kind: 'log', level: 'ERROR', message: 'boom' });
    const m = decodeEvent({ type: 'metric', pipeline_id: 'p', name: 'cpu_percent', value: 55 }, ctx);
    expect(m).toMatchObject({ kind: 'metric', name: 'cpu_percent', value: 55 });
  });

  it('keys log and metric events without event_id by content, so a repeat has the same key', () => {
    const log = { type: 'log', pipeline_id: 'p', message: 'x', timestamp: '2026-03-01T11:00:00Z' };
    expect(decodeEvent(log, ctx).key).toBe(decodeEvent({ ...log }, ctx).key);
    expect(decodeEvent(log, ctx).key).not.toBe(decodeEvent({ ...log, message: 'y' }, ctx).key);
  });
});

describe('malformed records name the field', () => {
  const cases: [string, unknown, string][] = [
    ['not an object', 5, 'body'],
    ['array', [1], 'body'],
    ['missing pipeline_id', { status: 'failed' }, 'pipeline_id'],
    ['empty pipeline_id', { pipeline_id: '' }, 'pipeline_id'],
    ['NUL in pipeline_id', { pipeline_id: 'a\u0000b' }, 'pipeline_id'],
    ['object pipeline_id', { pipeline_id: {} }, 'pipeline_id'],
    ['NUL in execution id', { pipeline_id: 'p', id: 'x\u0000' }, 'id'],
    ['negative duration', { pipeline_id: 'p', duration_seconds: -1 }, 'duration_seconds'],
    ['string duration', { pipeline_id: 'p', duration_seconds: '5' }, 'duration_seconds'],
    ['cpu above 100', { pipeline_id: 'p', cpu_percent: 101 }, 'cpu_percent'],
    ['memory below 0', { pipeline_id: 'p', memory_percent: -0.5 }, 'memory_percent'],
    ['unknown status', { pipeline_id: 'p', status: 'exploded' }, 'status'],
    ['fractional retries', { pipeline_id: 'p', retry_count: 1.5 }, 'retry_count'],
    ['negative stage failures', { pipeline_id: 'p', stage_failures: -2 }, 'stage_failures'],
    ['bad timestamp', { pipeline_id: 'p', timestamp: 'yesterday' }, 'timestamp'],
    ['future timestamp', { pipeline_id: 'p', completed_at: '2026-03-01T12:06:00Z' }, 'completed_at'],
    [
      'completed before started',
      { pipeline_id: 'p', started_at: '2026-03-01T11:00:00Z', completed_at: '2026-03-01T10:00:00Z' },
      'completed_at',
    ],
    ['stage_errors not a list', { pipeline_id: 'p', stage_errors: 'timeout' }, 'stage_errors'],
    ['stage_errors item not a string', { pipeline_id: 'p', stage_errors: ['a', 3] }, 'stage_errors.1'],
    ['unknown type', { type: 'trace', pipeline_id: 'p' }, 'type'],
    ['stage without execution', { type: 'stage', pipeline_id: 'p', stage_id: 's' }, 'execution_id'],
    ['log without message', { type: 'log', pipeline_id: 'p' }, 'message'],
    ['log with bad level', { type: 'log', pipeline_id: 'p', message: 'm', level: 'LOUD' }, 'level'],
    ['metric without value', { type: 'metric', pipeline_id: 'p', name: 'cpu_percent' }, 'value'],
    ['metric with bad name', { type: 'metric', pipeline_id: 'p', name: 'cpu percent!', value: 1 }, 'name'],
    [
      'percent metric out of range',
      { type: 'metric', pipeline_id: 'p', name: 'cpu_percent', value: 150 },
      'value',
    ],
    ['bad labels', { pipeline_id: 'p', labels: 'x' }, 'labels'],
    ['bad trigger type', { pipeline_id: 'p', trigger_type: 'cron' }, 'trigger_type'],
  ];
  it.each(cases)('%s', (_name, value, field) => {
    expect(fieldOf(value)).toBe(field);
  });

  it('rejects non-finite numbers (from a JS caller)', () => {
    expect(fieldOf({ pipeline_id: 'p', latency_ms: Number.POSITIVE_INFINITY })).toBe('latency_ms');
    expect(fieldOf({ pipeline_id: 'p', latency_ms: Number.NaN })).toBe('latency_ms');
  });
});

describe('batches', () => {
  it('keeps good items and reports bad ones by index', () => {
    const r = decodeBatch(
      [{ pipeline_id: 'a' }, { pipeline_id: 'b', cpu_percent: 200 }, { pipeline_id: 'c' }],
      ctx,
    );
    expect(r.events.map((e) => e.pipeline_id)).toEqual(['a', 'c']);
    expect(r.indexes).toEqual([0, 2]);
    expect(r.rejected).toEqual([{ index: 1, field: 'cpu_percent', reason: 'cpu_percent must be ≤ 100' }]);
  });

  it('parses NDJSON, reporting lines that are not JSON without losing the rest', () => {
    const parsed = parseNdjson('{"pipeline_id":"a"}\n\n{oops\n{"pipeline_id":"b"}\n');
    expect(parsed.values).toHaveLength(3);
    const r = decodeBatch(parsed.values, ctx, parsed.rejected);
    expect(r.events.map((e) => e.pipeline_id)).toEqual(['a', 'b']);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({ index: 1, field: 'body' });
  });
});
