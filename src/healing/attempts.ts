/**
 * Attempts of a retry_stage action: after a failed attempt, whether another one is due and when
 * (bounded by `max_attempts`, never for an error a retry cannot fix, exponential backoff with jitter).
 */
import { attemptKey } from './decide.js';
import { retryBlocker, retryDelayMs } from './retry.js';
import type { DecidedAction, SignatureCount } from './types.js';

/** What follows a failed attempt: the next attempt (due later), or the reason there is none. */
export type RetryStep = { retry: true; next: DecidedAction } | { retry: false; reason: string };

/** The attempt number of a decided action (1 for the action as decided). */
export const attemptOf = (a: DecidedAction): number => a.retry?.attempt ?? 1;

/**
 * After attempt n of `a` failed at `now`: attempt n+1, due `retryDelayMs(n)` later with its own
 * idempotency key, while n < max_attempts and the pipeline's error signatures (`signatures`, most
 * frequent first) are still worth retrying. `random` gives uniform numbers in [0, 1) for the jitter.
 */
export function nextRetry(
  a: DecidedAction,
  signatures: readonly SignatureCount[],
  now: number,
  random: () => number,
): RetryStep {
  if (a.spec.action !== 'retry_stage') return { retry: false, reason: `${a.spec.action} is not retried` };
  const attempt = attemptOf(a);
  const { max_attempts, backoff } = a.spec.params;
  if (attempt >= max_attempts)
    return { retry: false, reason: `attempt ${attempt} of ${max_attempts} was the last` };
  const blocker = retryBlocker(signatures);
  if (blocker !== null) return { retry: false, reason: `${blocker} errors: a retry will not fix them` };
  const delay = retryDelayMs(attempt, backoff, random);
  const firstKey = a.retry?.first_key ?? a.idempotency_key;
  return {
    retry: true,
    next: {
      ...a,
      idempotency_key: attemptKey(firstKey, attempt + 1),
      retry: {
        attempt: attempt + 1,
        max_attempts,
        first_key: firstKey,
        delay_ms: delay,
        due_at: now + delay,
      },
    },
  };
}
