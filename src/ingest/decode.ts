import type { TelemetryEvent } from '../domain/index.js';
import { ValidationError } from '../shared/index.js';
import { decodeExecution } from './execution.js';
import { read, type DecodeContext } from './fields.js';
import { decodeLog, decodeMetric, decodeStage } from './typed.js';

const TYPES = ['execution', 'stage', 'log', 'metric'] as const;

/**
 * Decodes one record into a TelemetryEvent: the original flat execution record (no `type`) or a
 * typed event. Throws a ValidationError naming the field at fault.
 */
export function decodeEvent(value: unknown, ctx: DecodeContext): TelemetryEvent {
  const o = read.object(value, '');
  const type = o.type;
  if (type === undefined || type === null) return decodeExecution(o, ctx, true);
  switch (type) {
    case 'execution':
      return decodeExecution(o, ctx, false);
    case 'stage':
      return decodeStage(o, ctx);
    case 'log':
      return decodeLog(o, ctx);
    case 'metric':
      return decodeMetric(o, ctx);
    default:
      throw new ValidationError(
        'type',
        `type must be one of ${TYPES.join('|')} (or absent for a flat record)`,
      );
  }
}

export interface Rejection {
  index: number;
  field: string;
  reason: string;
}

export interface DecodedBatch {
  events: TelemetryEvent[];
  /** Position in the batch of each accepted event. */
  indexes: number[];
  rejected: Rejection[];
}

/**
 * Decodes a batch item by item: good items are kept, bad ones reported with index and field.
 * Items already rejected upstream (e.g. NDJSON lines that were not JSON) are skipped and their
 * rejections kept, in index order.
 */
export function decodeBatch(
  values: readonly unknown[],
  ctx: DecodeContext,
  alreadyRejected: readonly Rejection[] = [],
): DecodedBatch {
  const events: TelemetryEvent[] = [];
  const indexes: number[] = [];
  const rejected: Rejection[] = [];
  let next = 0;
  for (let i = 0; i < values.length; i++) {
    if (next < alreadyRejected.length && alreadyRejected[next].index === i) {
      rejected.push(alreadyRejected[next++]);
      continue;
    }
    try {
      events.push(decodeEvent(values[i], ctx));
      indexes.push(i);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      rejected.push({ index: i, field: err.field ?? 'body', reason: err.message });
    }
  }
  return { events, indexes, rejected };
}
