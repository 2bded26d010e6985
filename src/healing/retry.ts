import type { BackoffParams } from './types.js';

/**
 * Error signature classes (src/logs) a retry can fix: the cause is outside the run and passes.
 * Schema, data, permission, auth, configuration and missing-resource errors fail the same way again;
 * out-of-memory and a full disk need a change (scaling, cleanup) before a rerun can succeed.
 */
export const TRANSIENT_SIGNATURES: ReadonlySet<string> = new Set([
  'timeout',
  'connection',
  'rate_limited',
  'dependency_error',
  'cancelled',
]);

/** Classes that a retry never fixes. */
export const PERMANENT_SIGNATURES: ReadonlySet<string> = new Set([
  'schema_mismatch',
  'data_quality',
  'permission_denied',
  'auth_failure',
  'configuration_error',
  'resource_not_found',
  'out_of_memory',
  'disk_full',
]);

/** How a signature behaves under retry: `unknown` covers `unknown` and unclassified messages (`other:…`). */
export type RetryClass = 'transient' | 'permanent' | 'unknown';

/** The retry class of an error signature. */
export function retryClass(signature: string): RetryClass {
  if (TRANSIENT_SIGNATURES.has(signature)) return 'transient';
  if (PERMANENT_SIGNATURES.has(signature)) return 'permanent';
  return 'unknown';
}

/** Whether a failure of this signature is worth retrying: transient and unknown yes (attempts are bounded), permanent no. */
export function isRetryable(signature: string): boolean {
  return retryClass(signature) !== 'permanent';
}

/** The first signature that rules a retry out, or null when every one is retryable (or there are none). */
export function nonRetryableSignature(signatures: readonly string[]): string | null {
  for (const s of signatures) if (!isRetryable(s)) return s;
  return null;
}

/**
 * The signature that rules a retry out for a failing pipeline: the most frequent classified one
 * (unknown and unclassified messages tell nothing) when a retry never fixes it — any of them when
 * several tie — else null. A stray permanent error among many timeouts does not stop the retry.
 */
export function retryBlocker(signatures: readonly { signature: string; count: number }[]): string | null {
  const known = signatures.filter((s) => retryClass(s.signature) !== 'unknown');
  let top = -Infinity;
  for (const s of known) top = Math.max(top, s.count);
  return nonRetryableSignature(known.filter((s) => s.count === top).map((s) => s.signature));
}

/**
 * Delay before retry `attempt` (1-based): exponential backoff capped at `max_ms`, with full jitter
 * (uniform in [0, cap)) or none (exactly the cap). `random` gives uniform numbers in [0, 1).
 */
export function retryDelayMs(attempt: number, params: BackoffParams, random: () => number): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be ≥ 1, got ${attempt}`);
  // 2^(attempt−1) overflows to Infinity for huge attempts; min() keeps the cap finite.
  const cap = Math.min(params.max_ms, params.base_ms * 2 ** (attempt - 1));
  if (params.jitter === 'none') return cap;
  return Math.floor(random() * cap);
}
