import { EpisodeGate } from './episode.js';
import { History } from './history.js';
import { NearestShape } from './nearest.js';
import { RangeNovelty } from './novelty.js';
import { resolveStreamingOptions, type StreamingOptions } from './params.js';
import { SurpriseMeter } from './surprise.js';

// The score of a value outside the range seen so far: above the alert level, below certainty.
const NOVEL_SCORE = 0.99;
// Distances below this share of the range are treated as equal, so exact repeats read as "steady".
const RELATIVE_FLOOR = 1e-6;

// One way of looking at the series: a history, the nearest-shape search over it, and the likelihood
// that turns its distances into surprise.
interface View {
  readonly history: History;
  readonly search: NearestShape;
  readonly meter: SurpriseMeter;
}

/**
 * Online anomaly detector for one metric series (CPU, memory, throughput, latency, duration).
 * Each point is judged three ways: how far the recent short shape is from its nearest match in
 * history (spikes, level shifts, new patterns), how far the long averaged context is from its nearest
 * match (missing or stretched cycles, seasonal breaks), and whether the value leaves the range seen so
 * far. Each distance goes through an anomaly likelihood against its own long-run distribution, the
 * stronger evidence wins, and an alerted episode is kept quiet for a while. A level shift stops
 * looking new once its shape is in history, so the detector re-baselines instead of alarming forever.
 * Memory is fixed by the options, whatever the series length.
 */
export class StreamingDetector {
  readonly options: StreamingOptions;
  private readonly values: History;
  private readonly context: History;
  private readonly views: readonly View[];
  private readonly novelty: RangeNovelty;
  private readonly gate: EpisodeGate;
  private seen = 0;

  /** Options are validated against STREAMING_PARAMS; unknown or out-of-range ones throw. */
  constructor(options: Readonly<Record<string, unknown>> = {}) {
    const o = resolveStreamingOptions(options);
    this.options = o;
    const shapeSpan = (o.shapeLength - 1) * o.shapeStride + 1;
    const contextSpan = (o.contextLength - 1) * o.contextBlock + 1;
    this.values = new History(Math.max(o.historyLength + shapeSpan, o.contextBlock));
    this.context = new History(o.historyLength + contextSpan);
    const meter = { averageOver: o.averageOver, memory: o.memory, warmup: o.warmup, clip: o.errorClip };
    // Lags start past a shape's span, so a shape is never matched with an overlapping copy of itself.
    this.views = [
      {
        history: this.values,
        search: new NearestShape({
          length: o.shapeLength,
          stride: o.shapeStride,
          minLag: shapeSpan,
          lagStep: 1,
        }),
        meter: new SurpriseMeter(meter),
      },
      {
        history: this.context,
        search: new NearestShape({
          length: o.contextLength,
          stride: o.contextBlock,
          minLag: contextSpan,
          lagStep: o.contextLagStep,
        }),
        meter: new SurpriseMeter(meter),
      },
    ];
    this.novelty = new RangeNovelty(o.noveltyMargin);
    this.gate = new EpisodeGate(o.quietPoints, o.quietFactor, o.noveltyRefractory);
  }

  /**
   * Takes the next value and returns its anomaly score in [0, 1); 0.5 is the alert level. A missing
   * value (NaN, ±Infinity) scores 0 and leaves the state untouched.
   */
  update(value: number): number {
    if (!Number.isFinite(value)) return 0;
    this.seen++;
    const novel = this.novelty.update(value) && this.seen > this.options.warmup;
    const floor = RELATIVE_FLOOR * this.novelty.range + 1e-12;
    this.values.push(value);
    this.context.push(this.blockMean());
    let surprise = 0;
    let judged = 0;
    for (const view of this.views) {
      const { history, search, meter } = view;
      const distance = search.distance(history.data, history.latest, history.size);
      if (distance === Infinity) continue; // not enough history for an earlier shape yet
      // Log distance: errors are heavy-tailed, and ratios are what matter across scales.
      surprise = Math.max(surprise, meter.update(Math.log(distance + floor)));
      judged++;
    }
    // Taking the stronger of several views would alarm more often by chance; Bonferroni pays for it.
    if (judged > 1) surprise = Math.max(0, surprise - Math.log(judged));
    // Monotone in the surprise; exactly ALERT_LEVEL (0.5) at alertSurprise.
    const score = surprise / (surprise + this.options.alertSurprise);
    // A value never seen before is new evidence, not more of the episode already alerted on.
    return novel ? this.gate.force(NOVEL_SCORE) : this.gate.pass(score);
  }

  /** Points taken so far. */
  get points(): number {
    return this.seen;
  }

  /** Bytes of state held: fixed by the options, independent of how many points were taken. */
  get stateBytes(): number {
    const scalars = 8 * 16;
    return this.views.reduce((n, v) => n + v.history.data.byteLength + v.meter.bytes, scalars);
  }

  private blockMean(): number {
    const n = Math.min(this.values.size, this.options.contextBlock);
    let sum = 0;
    for (let age = 0; age < n; age++) sum += this.values.back(age);
    return sum / n;
  }
}

/** Runs a fresh detector over a whole series and returns one score per value. */
export function scoreSeries(
  values: ArrayLike<number>,
  options: Readonly<Record<string, unknown>> = {},
): Float64Array {
  const detector = new StreamingDetector(options);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = detector.update(values[i]);
  return out;
}
