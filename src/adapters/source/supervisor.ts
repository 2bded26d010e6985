import type { SourceHealth } from '../../ports/index.js';
import { toError, type Clock } from '../../shared/index.js';
import type { ModeRunner, RunControl } from './run-control.js';

export interface SupervisorOptions {
  name: string;
  clock: Clock;
  /** First reconnect delay; doubles per failure up to maxBackoffMs; the wait is drawn from [cap/2, cap]. @default 500 */
  baseBackoffMs?: number;
  /** @default 30000 */
  maxBackoffMs?: number;
  /** Uniform random in [0, 1): the jitter (passed in so tests can fix it). */
  random: () => number;
  onError?: (err: Error, retryInMs: number) => void;
}

/**
 * Runs a change-capture mode and keeps it running: on failure it waits a jittered, growing delay and
 * starts it again (the runner resumes from its durable checkpoint). Tracks the source's health.
 */
export class SourceSupervisor {
  /** Set once stop() was called. */
  stopping = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private readonly state = {
    connected: false,
    caughtUpAt: null as number | null,
    lastError: null as string | null,
  };
  private readonly startedAt: number;
  readonly counts = { events: 0, rejected: 0 };

  constructor(
    private readonly runner: ModeRunner,
    private readonly o: SupervisorOptions,
  ) {
    this.startedAt = o.clock.now();
  }

  /** Starts the loop in the background. */
  start(): void {
    this.loop ??= this.supervise();
  }

  /** Wakes a sleeping runner early (new data announced). */
  poke(): void {
    this.wake?.();
  }

  /** Stops the runner after its current batch and waits for it. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.runner.interrupt?.();
    await this.loop;
  }

  /** The source's health for /api/status and /metrics. */
  health(): SourceHealth {
    const since = this.state.caughtUpAt ?? this.startedAt;
    return {
      name: this.o.name,
      mode: this.runner.mode,
      connected: this.state.connected,
      lag_seconds: Math.max(0, (this.o.clock.now() - since) / 1000),
      last_error: this.state.lastError,
      events: this.counts.events,
      rejected: this.counts.rejected,
    };
  }

  private async supervise(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        await this.runner.run(this.control(() => (failures = 0)));
        if (this.stopping) break;
      } catch (err) {
        this.state.connected = false;
        if (this.stopping) break;
        const e = toError(err);
        this.state.lastError = e.message;
        failures++;
        const cap = Math.min(
          this.o.maxBackoffMs ?? 30_000,
          (this.o.baseBackoffMs ?? 500) * 2 ** (failures - 1),
        );
        const delay = Math.round(cap / 2 + (cap / 2) * this.o.random());
        this.o.onError?.(e, delay);
        await this.sleep(delay);
      }
    }
    this.state.connected = false;
  }

  private control(onHealthy: () => void): RunControl {
    return {
      stopped: () => this.stopping,
      sleep: (ms) => this.sleep(ms),
      now: () => this.o.clock.now(),
      connected: () => {
        this.state.connected = true;
        this.state.lastError = null;
        onHealthy();
      },
      caughtUp: (at) => {
        this.state.caughtUpAt = Math.max(this.state.caughtUpAt ?? 0, at);
      },
    };
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
