// The healing room cannot import the logs room; this checks from outside that its retry
// classification knows every error signature class the logs room can produce.
import { describe, expect, it } from 'vitest';
import { PERMANENT_SIGNATURES, TRANSIENT_SIGNATURES, retryClass } from '../../src/healing/index.js';
import { SIGNATURES, classifyError } from '../../src/logs/index.js';

describe('retry classification covers the log signatures', () => {
  it('every class but unknown is transient or permanent, and nothing else is listed', () => {
    for (const s of SIGNATURES)
      expect(retryClass(s), s).toEqual(
        s === 'unknown' ? 'unknown' : expect.stringMatching(/^(transient|permanent)$/),
      );
    const known = new Set<string>(SIGNATURES);
    for (const s of [...TRANSIENT_SIGNATURES, ...PERMANENT_SIGNATURES]) expect(known.has(s), s).toBe(true);
  });

  it('real messages: a timeout is retried, a schema mismatch is not', () => {
    expect(
      retryClass(
        classifyError('psycopg2.errors.QueryCanceled: canceling statement due to statement timeout')
          .signature,
      ),
    ).toBe('transient');
    expect(retryClass(classifyError('ERROR: column "customer_id" does not exist').signature)).toBe(
      'permanent',
    );
  });
});
