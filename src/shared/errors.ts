/** Stable error codes. Outside clients rely on them; the HTTP layer maps each to a status in one place. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'STORE_UNAVAILABLE',
  'OVERLOADED',
  'CONFIG_INVALID',
  'INVALID_HYPERPARAMETER',
  'MODEL_INVALID',
  'NOT_TRAINED',
  'RUNBOOK_INVALID',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppErrorOptions {
  cause?: unknown;
  /** Dotted path of the input field at fault, e.g. `items.3.duration_seconds`. */
  field?: string;
  /** Whether the same call may succeed later. */
  retryable?: boolean;
}

/** Base of every error the service raises on purpose: a stable code, a message, maybe a field. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
    this.retryable = options.retryable ?? false;
  }
}

/** Input that does not satisfy the contract; names the field at fault. */
export class ValidationError extends AppError {
  constructor(field: string, message: string, options: Omit<AppErrorOptions, 'field'> = {}) {
    super('VALIDATION_FAILED', message, { ...options, field });
    this.name = 'ValidationError';
  }
}

/** A thing that was asked for by id and does not exist. */
export class NotFoundError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super('NOT_FOUND', message, options);
    this.name = 'NotFoundError';
  }
}

/** The store cannot keep up or is down; the caller should retry later. */
export class StoreUnavailableError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, options: AppErrorOptions = {}) {
    super('STORE_UNAVAILABLE', message, { retryable: true, ...options });
    this.name = 'StoreUnavailableError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Turns anything thrown into an Error, so every catch handles one type. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') return new Error(value);
  try {
    return new Error(JSON.stringify(value));
  } catch {
    return new Error(String(value));
  }
}
