import { History } from './history.js';
import { normalTail } from './tail.js';

// The smallest tail probability kept, so a surprise stays finite (about 690 nats).
const TINY = 1e-300;

/** Settings of a {@link SurpriseMeter}. */
export interface SurpriseSettings {
  /** Points in the short average that is judged. */
  readonly averageOver: number;
  /** Points the long-run statistics effectively remember (rate 1/memory). */
  readonly memory: number;
  /** Points before any surprise is reported (the long-run statistics need data). */
  readonly warmup: number;
  /** Errors above mean + clip·sd enter the long-run statistics as that bound. */
  readonly clip: number;
}

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

  constructor(private readonly settings: SurpriseSettings) {
    this.recent = new History(settings.averageOver);
  }

  /** Adds a raw error and returns the surprise of the recent average, in nats (0 while warming up). */
  update(error: number): number {
    this.recent.push(error);
    // Summed afresh each time (a handful of points), so no rounding drift builds up over a long series.
    let sum = 0;
    for (let age = 0; age < this.recent.size; age++) sum += this.recent.back(age);
    const average = sum / this.recent.size;
    this.seen++;
    const sd = Math.sqrt(this.variance);
    const warm = this.seen > this.settings.warmup;
    let surprise = 0;
    if (warm) {
      // The floor keeps a perfectly steady error (constant series) from dividing by zero.
      const z = (average - this.mean) / (sd + 1e-9);
      surprise = -Math.log(Math.max(normalTail(z), TINY));
    }
    // Winsorised: one anomaly must not inflate the spread and so hide the next one for a whole memory.
    const learned = warm ? Math.min(error, this.mean + this.settings.clip * sd) : error;
    // Equal weights at first, then an exponential memory: early estimates settle fast, later ones adapt.
    const rate = Math.max(1 / this.settings.memory, 1 / this.seen);
    const delta = learned - this.mean;
    this.mean += rate * delta;
    this.variance = (1 - rate) * (this.variance + rate * delta * delta);
    return surprise;
  }

  /** Bytes of state held. */
  get bytes(): number {
    return this.recent.data.byteLength + 4 * 8;
  }
}
