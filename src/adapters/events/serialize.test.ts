import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../domain/index.js';
import { ValidationError } from '../../shared/index.js';
import { serializeEvent } from './serialize.js';

const log = (message: string): LogEvent => ({
  kind: 'log',
  key: 'l:1',
  pipeline_id: 'p',
  event_time: 1_767_225_600_000,
  received_at: 1_767_225_600_000,
  execution_id: null,
  stage_id: null,
  level: 'ERROR',
  message,
});

describe('serializeEvent', () => {
  it('is JSON.stringify for ordinary events', () => {
    expect(serializeEvent(log('disk full: /var'))).toBe(JSON.stringify(log('disk full: /var')));
  });

  it('replaces what the json column and ->> cannot take (NUL, unpaired surrogates) and nothing else', () => {
    const out = JSON.parse(serializeEvent(log('a\u0000b\ud800c\\u0000d\udc00'))) as LogEvent;
    expect(out.message).toBe('a\ufffdb\ufffdc\\u0000d\ufffd');
    const pair = '𝄞 \u0001';
    expect((JSON.parse(serializeEvent(log(pair))) as LogEvent).message).toBe(pair);
  });

  it('refuses events the table cannot index', () => {
    expect(() => serializeEvent({ ...log('x'), key: '' })).toThrow(ValidationError);
    expect(() => serializeEvent({ ...log('x'), event_time: Number.NaN })).toThrow(/event_time/);
    expect(() => serializeEvent({ ...log('x'), received_at: 1e20 })).toThrow(/received_at/);
    expect(() => serializeEvent({ ...log('x'), kind: 'trace' } as unknown as LogEvent)).toThrow(/kind/);
  });
});
