/** What a mode runner gets from its supervisor: stop flag, sleeping, time, and progress reports. */
export interface RunControl {
  stopped(): boolean;
  /** Sleeps up to `ms`; returns early on stop or when woken (e.g. a NOTIFY). */
  sleep(ms: number): Promise<void>;
  now(): number;
  /** The runner is connected and reading. */
  connected(): void;
  /** Everything committed before `at` (epoch ms) is durable. */
  caughtUp(at: number): void;
}

/** A change-capture mode: runs until stopped (resolves) or until the source fails (rejects). */
export interface ModeRunner {
  readonly mode: string;
  run(ctl: RunControl): Promise<void>;
  /** Interrupts a blocking read (replication stream) so that run() returns soon after stop. */
  interrupt?(): Promise<void>;
}
