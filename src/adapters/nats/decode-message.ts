import type { TelemetryEvent } from '../../domain/index.js';
import { decodeEvent } from '../../ingest/index.js';
import { ValidationError } from '../../shared/index.js';

const UTF8 = new TextDecoder();

/** What a message's identity and time fall back to when its payload does not carry them. */
export interface MessageFacts {
  /** `Nats-Msg-Id` header, else `<stream>:<stream sequence>`: the same on every redelivery. */
  messageId: string;
  /** When the stream stored the message (epoch ms): the same on every redelivery. */
  storedAt: number;
  receivedAt: number;
}

/**
 * Decodes a metrics-stream message: one wire event or a JSON array of them (typed events as the
 * ingest API takes them). Items without `event_id` get the message id (plus their index), items
 * without a time get the stream's time, so a redelivered message is the very same events.
 * Throws a ValidationError naming the field at fault.
 */
export function decodeMessage(data: Uint8Array, facts: MessageFacts): TelemetryEvent[] {
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(data)) as unknown;
  } catch {
    throw new ValidationError('body', 'message is not JSON');
  }
  const items = Array.isArray(value) ? value : [value];
  const ctx = { receivedAt: facts.receivedAt, newId: () => facts.messageId };
  return items.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw new ValidationError(`${i}`, `item ${i} must be a JSON object`);
    const o = item as Record<string, unknown>;
    const filled = {
      ...o,
      event_id: o.event_id ?? (items.length === 1 ? facts.messageId : `${facts.messageId}#${i}`),
      timestamp:
        o.timestamp ??
        (o.type === 'metric' || o.type === 'log' ? new Date(facts.storedAt).toISOString() : undefined),
    };
    return decodeEvent(filled, ctx);
  });
}
