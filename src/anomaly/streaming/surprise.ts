import { History } from './history.js';
import { normalTail } from './tail.js';

// The smallest tail probability kept, so a surprise stays finite (about 690 nats).
const TINY = 1e-300;

/**
 * Anomaly likelihood in the manner of Numenta's: the average of the last few raw errors is compared
 * with the long-run distribution of raw errors (exponentially weighted mean and variance), and the
 * Gaussian upper tail probability p of that average is returned as a surprise, −ln p, in nats.
 * Averaging a few points turns isolated noise into little and a sustained change into a lot.
 */
export class SurpriseMeter {
  private readonly recent: History;
  private seen = 0;
  private mean = 0;
  private variance = 0;

  /**
   * @param averageOver points in the short average
   * @param memory points the long-run statistics effectively remember (rate 1/memory)
   * @param warmup points before any surprise is reported (the long-run statistics need data)
   */
  constructor(
    averageOver: number,
    private readonly memory: number,
    private readonly warmup: number,
  ) {
    this.recent = new History(averageOver);
  }

  /** Adds a raw error and returns the surprise of the recent average, in nats (0 while warming up). */
  update(error: number): number {
    this.recent.push(error);
    // Summed afresh each time (a handful of points), so no rounding drift builds up over a long series.
    let sum = 0;
    for (let age = 0; age < this.recent.size; age++) sum += this.recent.back(age);
    const average = sum / this.recent.size;
    this.seen++;
    let surprise = 0;
    if (this.seen > this.warmup) {
      // The floor keeps a perfectly steady error (constant series) from dividing by zero.
      const z = (average - this.mean) / (Math.sqrt(this.variance) + 1e-9);
      surprise = -Math.log(Math.max(normalTail(z), TINY));
    }
    // Equal weights at first, then an exponential memory: early estimates settle fast, later ones adapt.
    const rate = Math.max(1 / this.memory, 1 / this.seen);
    const delta = error - this.mean;
    this.mean += rate * delta;
    this.variance = (1 - rate) * (this.variance + rate * delta * delta);
    return surprise;
  }

  /** Bytes of state held. */
  get bytes(): number {
    return this.recent.data.byteLength + 4 * 8;
  }
}
