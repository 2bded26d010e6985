import { createHmac } from 'node:crypto';
import type { ActionExecutor, ActionRequest, ExecutionResult } from '../../ports/index.js';
import type { Clock } from '../../shared/index.js';
import { callWithRetry, DEFAULT_RETRY_POLICY, type RetryPolicy } from './http-call.js';

export interface WebhookExecutorOptions {
  /** Where to POST; a function when it is known only later (the demo's own hook, once the service listens). */
  url: string | (() => string);
  /** Signs every call (HMAC-SHA256); without one calls go unsigned. */
  secret: string | null;
  clock: Clock;
  retry?: Partial<RetryPolicy>;
}

/** Headers of a webhook call (receivers verify the signature over `timestamp + "." + body`). */
export const WEBHOOK_HEADERS = {
  timestamp: 'x-flexiroaster-timestamp',
  signature: 'x-flexiroaster-signature',
  idempotencyKey: 'idempotency-key',
  action: 'x-flexiroaster-action',
} as const;

/** `sha256=<hex>` of HMAC-SHA256(secret, timestamp + "." + body). */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Posts every action as signed JSON to one URL; the receiver decides what to do, so it supports
 * every action. Each attempt carries a fresh timestamp and signature; the body and the
 * Idempotency-Key stay the same, so a receiver can drop repeats.
 */
export class WebhookExecutor implements ActionExecutor {
  readonly name = 'webhook';
  private readonly policy: RetryPolicy;

  constructor(private readonly options: WebhookExecutorOptions) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  supports(_action: string): boolean {
    return true;
  }

  async execute(request: ActionRequest, signal: AbortSignal): Promise<ExecutionResult> {
    const body = {
      action_id: request.action_id,
      action: request.action,
      params: request.params,
      pipeline_id: request.pipeline_id,
      execution_id: request.execution_id,
      stage_id: request.stage_id,
      idempotency_key: request.idempotency_key,
    };
    const text = JSON.stringify(body);
    const { secret, clock } = this.options;
    return callWithRetry(
      this.name,
      {
        method: 'POST',
        url: typeof this.options.url === 'string' ? this.options.url : this.options.url(),
        body,
      },
      () => {
        const timestamp = String(Math.floor(clock.now() / 1000));
        return {
          [WEBHOOK_HEADERS.timestamp]: timestamp,
          [WEBHOOK_HEADERS.idempotencyKey]: request.idempotency_key,
          [WEBHOOK_HEADERS.action]: request.action,
          ...(secret === null
            ? {}
            : { [WEBHOOK_HEADERS.signature]: webhookSignature(secret, timestamp, text) }),
        };
      },
      this.policy,
      signal,
    );
  }
}
