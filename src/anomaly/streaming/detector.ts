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
  private readonly shapeSearch: NearestShape;
  private readonly contextSearch: NearestShape;
  private readonly shapeMeter: SurpriseMeter;
  private readonly contextMeter: SurpriseMeter;
  private readonly novelty: RangeNovelty;
  private readonly gate: EpisodeGate;
  private seen = 0;

  /** Options are validated against STREAMING_PARAMS; unknown or out-of-range ones throw. */
  constructor(options: Readonly<Record<string, unknown>> = {}) {
    const o = resolveStreamingOptions(options);
    this.options = o;
    this.shapeSearch = new NearestShape({
      length: o.shapeLength,
      stride: o.shapeStride,
      minLag: o.shapeLength,
      lagStep: 1,
    });
    this.contextSearch = new NearestShape({
      length: o.contextLength,
      stride: o.contextBlock,
      minLag: o.contextBlock,
      lagStep: o.contextLagStep,
    });
    const shapeSpan = (o.shapeLength - 1) * o.shapeStride + 1;
    const contextSpan = (o.contextLength - 1) * o.contextBlock + 1;
    this.values = new History(Math.max(o.historyLength + shapeSpan, o.contextBlock));
    this.context = new History(o.historyLength + contextSpan);
    this.shapeMeter = new SurpriseMeter(o.averageOver, o.memory, o.warmup);
    this.contextMeter = new SurpriseMeter(o.averageOver, o.memory, o.warmup);
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
    let views = 0;
    if (this.values.size >= 3 * this.options.shapeLength * this.options.shapeStride) {
      surprise = this.judge(this.values, this.shapeSearch, this.shapeMeter, floor);
      views++;
    }
    if (this.context.size >= 2 * this.options.contextLength * this.options.contextBlock) {
      surprise = Math.max(surprise, this.judge(this.context, this.contextSearch, this.contextMeter, floor));
      views++;
    }
    // Taking the stronger of several views would alarm more often by chance; Bonferroni pays for it.
    if (views > 1) surprise = Math.max(0, surprise - Math.log(views));
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
    return (
      this.values.data.byteLength +
      this.context.data.byteLength +
      this.shapeMeter.bytes +
      this.contextMeter.bytes +
      scalars
    );
  }

  private judge(history: History, search: NearestShape, meter: SurpriseMeter, floor: number): number {
    const distance = search.distance(history.data, history.latest, history.size);
    // Log distance: errors are heavy-tailed, and ratios are what matter across scales.
    return meter.update(Math.log(distance + floor));
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
