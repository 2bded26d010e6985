import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRetryable, nonRetryableSignature, retryBlocker, retryClass, retryDelayMs } from './retry.js';

describe('retry classification', () => {
  it('retries transient classes', () => {
    for (const s of ['timeout', 'connection', 'rate_limited', 'dependency_error']) {
      expect(isRetryable(s), s).toBe(true);
      expect(retryClass(s)).toBe('transient');
    }
  });

  it('never retries schema, permission, auth or configuration errors', () => {
    for (const s of [
      'schema_mismatch',
      'permission_denied',
      'auth_failure',
      'configuration_error',
      'data_quality',
    ])
      expect(isRetryable(s), s).toBe(false);
  });

  it('retries unknown and unclassified messages (attempts are bounded)', () => {
    expect(retryClass('unknown')).toBe('unknown');
    expect(isRetryable('other:something odd')).toBe(true);
  });

  it('names the first signature that rules a retry out', () => {
    expect(nonRetryableSignature(['timeout', 'schema_mismatch', 'auth_failure'])).toBe('schema_mismatch');
    expect(nonRetryableSignature(['timeout', 'connection'])).toBeNull();
    expect(nonRetryableSignature([])).toBeNull();
  });

  it('a retry is blocked by the most frequent classified signature, not a stray one', () => {
    expect(
      retryBlocker([
        { signature: 'timeout', count: 9 },
        { signature: 'schema_mismatch', count: 1 },
      ]),
    ).toBeNull();
    expect(
      retryBlocker([
        { signature: 'schema_mismatch', count: 5 },
        { signature: 'timeout', count: 2 },
      ]),
    ).toBe('schema_mismatch');
    expect(
      retryBlocker([
        { signature: 'timeout', count: 3 },
        { signature: 'auth_failure', count: 3 },
      ]),
    ).toBe('auth_failure');
    expect(
      retryBlocker([
        { signature: 'unknown', count: 25 },
        { signature: 'schema_mismatch', count: 8 },
      ]),
    ).toBe('schema_mismatch');
    expect(retryBlocker([{ signature: 'unknown', count: 4 }])).toBeNull();
    expect(retryBlocker([])).toBeNull();
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base up to the max without jitter', () => {
    const p = { base_ms: 100, max_ms: 1000, jitter: 'none' as const };
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(a, p, () => 0.5))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('full jitter stays in [0, min(max, base·2^(attempt−1)))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, base, extra, r) => {
          const p = { base_ms: base, max_ms: base + extra, jitter: 'full' as const };
          const d = retryDelayMs(attempt, p, () => r);
          const cap = Math.min(p.max_ms, base * 2 ** (attempt - 1));
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThan(cap);
        },
      ),
    );
  });

  it('rejects attempts below 1', () => {
    expect(() => retryDelayMs(0, { base_ms: 1, max_ms: 2, jitter: 'none' }, () => 0)).toThrow(RangeError);
  });
});
