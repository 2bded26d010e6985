import { describe, expect, it } from 'vitest';
import { MAX_PATTERN_LENGTH, normalizeErrorMessage as norm } from './normalize.js';

describe('normalizeErrorMessage', () => {
  it.each([
    ['timeout', 'timeout'],
    ['timeout after 30s on 10.0.0.7:5432', 'timeout after <num>s on <ip>'],
    ['connection refused to postgres://user@db.internal:5432/app?x=1', 'connection refused to <url>'],
    ['mail to ops@example.com bounced', 'mail to <email> bounced'],
    ['at 2026-01-01T12:30:45.123Z job failed', 'at <ts> job failed'],
    ['task 3f2504e0-4f89-11d3-9a0c-0305e82c3301 crashed', 'task <uuid> crashed'],
    ['segfault at 0x7ffde3a0', 'segfault at <hex>'],
    ['commit a1b2c3d4e5f6 rejected', 'commit <hex> rejected'],
    ['token Zx81Qm27pLw9 expired', 'token <id> expired'],
    ['execution_id=exec_9f8e failed with code 137', 'execution_id=<id> failed with code <num>'],
    ['failed to read /var/data/2026/part-0001.parquet (errno 2)', 'failed to read <path> (errno <num>)'],
    ['C:\\data\\in.csv missing', '<path> missing'],
    ['user "alice" cannot read `orders`', 'user <str> cannot read <str>'],
    ["can't open 'x.csv'", "can't open <str>"],
    ['ipv6 fe80::1ff:fe23:4567:890a unreachable', 'ipv6 <ip> unreachable'],
    ['worker-17 lost', 'worker-<num> lost'],
    ['  spaces\tand\nnewlines  ', 'spaces and newlines'],
  ])('%s → %s', (message, pattern) => {
    expect(norm(message)).toBe(pattern);
  });

  it('groups messages that differ only in their variable parts', () => {
    const a = norm('timeout after 30s reading s3://bucket/a.csv from 10.0.0.7 (attempt 1)');
    const b = norm('timeout after 45.5s reading s3://bucket/b.csv from 10.0.0.9 (attempt 3)');
    expect(a).toBe(b);
  });

  it('keeps words that merely contain digits', () => {
    expect(norm('http2 stream reset; s3 bucket error; utf8 decode')).toBe(
      'http2 stream reset; s3 bucket error; utf8 decode',
    );
  });

  it('caps the pattern length', () => {
    expect(norm('x'.repeat(10_000))).toHaveLength(MAX_PATTERN_LENGTH);
  });
});
