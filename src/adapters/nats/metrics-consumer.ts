import { AckPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { TelemetryEvent } from '../../domain/index.js';
import { ValidationError, type Clock } from '../../shared/index.js';
import type { ModeRunner, RunControl } from '../source/run-control.js';
import { decodeMessage } from './decode-message.js';

export interface NatsMetricsOptions {
  url: string;
  stream: string;
  subject: string;
  durable: string;
  clock: Clock;
  /** Makes events durable and live; resolves once durable. */
  sink: (events: readonly TelemetryEvent[]) => Promise<unknown>;
  /** Messages gathered before one durable write. @default 1000 */
  batchSize?: number;
  /** Longest wait before gathered messages are written. @default 20 */
  flushMs?: number;
  /** How long the server waits for an ack before redelivering. @default 30000 */
  ackWaitMs?: number;
  onEvents?: (n: number) => void;
  onReject?: (subject: string, field: string, reason: string) => void;
}

/**
 * A durable JetStream consumer of metrics: messages are acknowledged only after their events are
 * durable, so a crash redelivers them; redelivered messages decode to the same events (see
 * decodeMessage) and count once. Undecodable messages are terminated (never redelivered) and reported.
 */
export class NatsMetricsRunner implements ModeRunner {
  readonly mode = 'jetstream';
  private stopConsume: (() => void) | null = null;

  constructor(private readonly o: NatsMetricsOptions) {}

  async run(ctl: RunControl): Promise<void> {
    const nc = await connect({ servers: this.o.url, name: 'flexiroaster-ai', maxReconnectAttempts: -1 });
    try {
      const consumer = await this.ensureConsumer(nc);
      const messages = await consumer.consume({ max_messages: 2 * (this.o.batchSize ?? 1000) });
      this.stopConsume = () => void messages.stop();
      if (ctl.stopped()) messages.stop();
      ctl.connected();
      let buffer: JsMsg[] = [];
      let chain: Promise<void> = Promise.resolve();
      let failure: unknown = null;
      const flush = (): Promise<void> =>
        (chain = chain.then(async () => {
          const batch = buffer;
          buffer = [];
          if (batch.length === 0 || failure !== null) return;
          try {
            await this.deliver(batch);
            if (buffer.length === 0) ctl.caughtUp(ctl.now());
          } catch (err) {
            failure = err;
            for (const m of batch) m.nak(1000);
            messages.stop();
          }
        }));
      const timer = setInterval(() => {
        if (buffer.length > 0) void flush();
        else if (failure === null) ctl.caughtUp(ctl.now());
      }, this.o.flushMs ?? 20);
      try {
        for await (const m of messages) {
          buffer.push(m);
          if (buffer.length >= (this.o.batchSize ?? 1000)) await flush();
          if (ctl.stopped()) break;
        }
        await flush();
      } finally {
        clearInterval(timer);
      }
      if (failure !== null) throw failure;
    } finally {
      this.stopConsume = null;
      await nc.close().catch(() => undefined);
    }
  }

  async interrupt(): Promise<void> {
    // Ends the message loop; run() then writes what it gathered and closes the connection.
    this.stopConsume?.();
  }

  /** Creates the stream (on the subject) and the durable consumer when missing. */
  private async ensureConsumer(nc: NatsConnection) {
    const jsm = await jetstreamManager(nc);
    const streams = await jsm.streams.find(this.o.subject).catch(() => null);
    if (streams === null) {
      const exists = await jsm.streams.info(this.o.stream).then(
        () => true,
        () => false,
      );
      if (!exists) await jsm.streams.add({ name: this.o.stream, subjects: [this.o.subject] });
    }
    const existing = await jsm.consumers.info(this.o.stream, this.o.durable).catch(() => null);
    if (existing === null) {
      await jsm.consumers.add(this.o.stream, {
        durable_name: this.o.durable,
        ack_policy: AckPolicy.Explicit,
        filter_subject: this.o.subject,
        ack_wait: (this.o.ackWaitMs ?? 30_000) * 1_000_000,
        max_ack_pending: 20_000,
      });
    }
    return jetstream(nc).consumers.get(this.o.stream, this.o.durable);
  }

  private async deliver(batch: readonly JsMsg[]): Promise<void> {
    const events: TelemetryEvent[] = [];
    const good: JsMsg[] = [];
    const receivedAt = this.o.clock.now();
    for (const m of batch) {
      try {
        const decoded = decodeMessage(m.data, {
          messageId: m.headers?.get('Nats-Msg-Id') || `${this.o.stream}:${m.seq}`,
          storedAt: Number(m.timestampNanos / 1_000_000n),
          receivedAt,
        });
        for (const e of decoded) events.push(e);
        good.push(m);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        this.o.onReject?.(m.subject, err.field ?? 'body', err.message);
        m.term(err.message);
      }
    }
    if (events.length > 0) await this.o.sink(events);
    for (const m of good) m.ack();
    this.o.onEvents?.(events.length);
  }
}
