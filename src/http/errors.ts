import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, StoreUnavailableError, toError, type ErrorCode } from '../shared/index.js';

/** The one place error codes become HTTP statuses. */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  INVALID_HYPERPARAMETER: 400,
  MODEL_INVALID: 400,
  RUNBOOK_INVALID: 400,
  NOT_TRAINED: 409,
  CONFLICT: 409,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  OVERLOADED: 503,
  STORE_UNAVAILABLE: 503,
  CONFIG_INVALID: 500,
  INTERNAL: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string };
}

/** `{"error": {code, message, field}}` as CONVENTIONS.md defines it. */
export function errorBody(code: ErrorCode, message: string, field?: string): ErrorBody {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

/** Maps Fastify's own errors (parsing, limits, schema validation) onto our codes. */
function fromFastify(err: FastifyError): AppError {
  if (err.validation && err.validation.length > 0) {
    const v = err.validation[0];
    const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
    const path = [v.instancePath.replace(/^\//, '').replace(/\//g, '.'), missing].filter(Boolean).join('.');
    const where =
      err.validationContext === 'body' ? path || 'body' : path || err.validationContext || 'request';
    return new AppError('VALIDATION_FAILED', `${where} ${v.message ?? 'is invalid'}`, { field: where });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 'request body is larger than the configured limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        'unsupported Content-Type; use application/json or application/x-ndjson',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('MALFORMED_JSON', 'request body is empty; send a JSON object, array or NDJSON', {
        field: 'body',
      });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('VALIDATION_FAILED', 'Content-Length does not match the body', { field: 'body' });
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new AppError('MALFORMED_JSON', `request body is not valid JSON: ${err.message}`, {
      field: 'body',
    });
  }
  if (err.statusCode === 404) return new AppError('NOT_FOUND', err.message);
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError('VALIDATION_FAILED', err.message);
  }
  return new AppError('INTERNAL', 'internal error', { cause: err });
}

/** Fastify error handler: every error leaves as the conventional body with the mapped status. */
export function handleError(raw: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const err = toError(raw);
  const appErr = err instanceof AppError ? err : fromFastify(err as FastifyError);
  const status = STATUS_BY_CODE[appErr.code];
  if (status >= 500 && !(appErr instanceof StoreUnavailableError)) {
    request.log.error({ err: appErr.cause ?? appErr }, 'request failed');
  }
  if (appErr instanceof StoreUnavailableError)
    void reply.header('retry-after', String(appErr.retryAfterSeconds));
  void reply.status(status).send(errorBody(appErr.code, appErr.message, appErr.field));
}
