import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/index.js';
import { compileServeConfig, parseApiKeys } from './compile.js';

describe('compileServeConfig', () => {
  it('applies defaults', () => {
    const c = compileServeConfig({ flags: {}, env: {} });
    expect(c.port).toBe(8080);
    expect(c.windowMinutes).toBe(60);
    expect(c.windowMs).toBe(3_600_000);
    expect(c.demo).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('takes flag over env over file', () => {
    const file = { port: 1, 'window-minutes': 5, retention_days: 2 };
    const env = { FLEXIROASTER_PORT: '2', FLEXIROASTER_WINDOW_MINUTES: '6' };
    const c = compileServeConfig({ flags: { port: 3 }, env, file });
    expect(c.port).toBe(3);
    expect(c.windowMinutes).toBe(6);
    expect(c.retentionDays).toBe(2);
  });

  it('accepts DATABASE_URL but prefers FLEXIROASTER_DATABASE_URL, and turns the demo off with a URL', () => {
    const c = compileServeConfig({
      flags: {},
      env: { DATABASE_URL: 'postgres://a', FLEXIROASTER_DATABASE_URL: 'postgres://b' },
    });
    expect(c.databaseUrl).toBe('postgres://b');
    expect(c.demo).toBe(false);
    expect(compileServeConfig({ flags: { demo: true }, env: { DATABASE_URL: 'x' } }).demo).toBe(true);
  });

  it('writes back by default only to the demo schema, and refuses write-back with no target', () => {
    const compile = (flags: Record<string, unknown>, env: Record<string, string> = {}) =>
      compileServeConfig({ flags, env }).writeBack;
    expect(compile({})).toBe(true);
    expect(compile({ demo: false })).toBe(false);
    expect(compile({}, { SOURCE_DATABASE_URL: 'postgres://src' })).toBe(false);
    expect(compile({ demo: true }, { SOURCE_DATABASE_URL: 'postgres://src' })).toBe(false);
    expect(compile({ writeBack: true }, { SOURCE_DATABASE_URL: 'postgres://src' })).toBe(true);
    expect(compile({ writeBack: false })).toBe(false);
    expect(() => compile({ demo: false, writeBack: true })).toThrow(
      /--write-back needs --source-database-url/,
    );
  });

  it('rejects bad values naming the option', () => {
    expect(() => compileServeConfig({ flags: { port: 'abc' }, env: {} })).toThrow(/--port/);
    expect(() => compileServeConfig({ flags: {}, env: { FLEXIROASTER_DEMO: 'maybe' } })).toThrow(
      /FLEXIROASTER_DEMO/,
    );
    expect(() => compileServeConfig({ flags: {}, env: {}, file: { nonsense: 1 } })).toThrow(/nonsense/);
  });

  it('refuses a non-loopback host without keys', () => {
    expect(() => compileServeConfig({ flags: { host: '0.0.0.0' }, env: {} })).toThrow(AppError);
    const c = compileServeConfig({ flags: { host: '0.0.0.0' }, env: { FLEXIROASTER_API_KEYS: 'k:read' } });
    expect(c.apiKeys).toHaveLength(1);
  });
});

describe('parseApiKeys', () => {
  it('parses scopes and expands admin', () => {
    const keys = parseApiKeys('k1:read,ingest;k2:admin');
    expect([...keys[0].scopes].sort()).toEqual(['ingest', 'read']);
    expect([...keys[1].scopes].sort()).toEqual(['act', 'admin', 'ingest', 'read']);
    expect(() => parseApiKeys('k:root')).toThrow(/root/);
  });
});
