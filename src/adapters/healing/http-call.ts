import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutionResult, ExecutorCall } from '../../ports/index.js';
import { toError } from '../../shared/index.js';

/** Timeouts and retries of an executor's HTTP calls. */
export interface RetryPolicy {
  /** Longest wait for one attempt's answer. @default 10000 */
  timeoutMs: number;
  /** Attempts in all, the first included. @default 3 */
  maxAttempts: number;
  /** Wait before the second attempt; doubles each time. @default 500 */
  backoffMs: number;
  /** Longest wait between attempts. @default 10000 */
  maxBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  timeoutMs: 10_000,
  maxAttempts: 3,
  backoffMs: 500,
  maxBackoffMs: 10_000,
});

/** How much of an answer's body the audit keeps. */
const EXCERPT_CHARS = 2000;

/** One attempt's request: headers may change per attempt (a fresh signature), the call may not. */
export type AttemptHeaders = (attempt: number) => Record<string, string>;

/** Whether an answer's status is worth another attempt: server errors, 408 and 429. */
const retryableStatus = (status: number) => status >= 500 || status === 408 || status === 429;

/**
 * Makes an HTTP call with a timeout per attempt and exponential backoff between attempts on
 * timeouts, connection errors and retryable statuses. Never throws for a failed call: the result
 * says what happened. Rejects only when `signal` aborts (shutdown).
 */
export async function callWithRetry(
  executor: string,
  call: ExecutorCall,
  headers: AttemptHeaders,
  policy: RetryPolicy,
  signal: AbortSignal,
): Promise<ExecutionResult> {
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  let last: Omit<ExecutionResult, 'executor' | 'attempts' | 'request'> = {
    ok: false,
    status_code: null,
    response_excerpt: null,
    error: 'not attempted',
  };
  let attempt = 0;
  while (attempt < policy.maxAttempts) {
    if (attempt > 0) {
      const wait = Math.min(policy.backoffMs * 2 ** (attempt - 1), policy.maxBackoffMs);
      await sleep(wait, undefined, { signal });
    }
    attempt++;
    signal.throwIfAborted();
    let retry: boolean;
    try {
      const response = await fetch(call.url, {
        method: call.method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers(attempt),
        },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(policy.timeoutMs)]),
      });
      const text = (await response.text()).slice(0, EXCERPT_CHARS);
      last = {
        ok: response.ok,
        status_code: response.status,
        response_excerpt: text,
        error: response.ok ? null : `HTTP ${response.status}`,
      };
      retry = !response.ok && retryableStatus(response.status);
    } catch (raw) {
      signal.throwIfAborted();
      const err = toError(raw);
      const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
      last = {
        ok: false,
        status_code: null,
        response_excerpt: null,
        error: timedOut ? `no answer within ${policy.timeoutMs} ms` : `connection failed: ${describe(err)}`,
      };
      retry = true;
    }
    if (!retry) break;
  }
  return { ...last, executor, attempts: attempt, request: call };
}

/** fetch wraps the socket error in `cause`; the cause says what went wrong. */
function describe(err: Error): string {
  const cause = err.cause === undefined ? null : toError(err.cause);
  return cause === null ? err.message : `${err.message} (${cause.message})`;
}

/** Joins a base URL and a path without doubling or dropping the slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
