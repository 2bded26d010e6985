/** Source of the current time in epoch milliseconds; passed in so pure code never reads the wall clock. */
export interface Clock {
  now(): number;
}

/** A clock tests and replays drive by hand. */
export class FakeClock implements Clock {
  private current: number;

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  /** Moves time forward by `ms` (never backwards). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`FakeClock.advance needs ms >= 0, got ${ms}`);
    this.current += ms;
  }

  set(ms: number): void {
    this.current = ms;
  }
}
