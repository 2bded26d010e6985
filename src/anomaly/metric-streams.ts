import { StreamingDetector } from './streaming/index.js';

/** The metric series judged one by one (per pipeline), and execution duration fed from finished runs. */
export const STREAM_METRICS: ReadonlySet<string> = new Set([
  'cpu_percent',
  'memory_percent',
  'throughput_per_minute',
  'latency_ms',
  'data_volume_mb',
  'duration_seconds',
]);

export interface MetricStreamOptions {
  /** Most series held; a new series beyond it is not judged (memory stays bounded). @default 20000 */
  maxSeries?: number;
  /** Options of each StreamingDetector (see STREAMING_PARAMS). */
  detector?: Readonly<Record<string, unknown>>;
  /** Streaming score at which a point alerts. @default METRIC_ALERT_LEVEL */
  alertLevel?: number;
}

/**
 * The streaming detector's own alert level (0.5) is a per-point tail of about 1 %, set on NAB's
 * five-minute series. Metric series sampled every few seconds see hundreds of points an hour, so
 * online they alert at a tail about a thousand times smaller (surprise 13.5 nats instead of 4.5).
 */
export const METRIC_ALERT_LEVEL = 0.75;

/** One point's verdict: the streaming score and the series' recent average (for the reason). */
export interface StreamVerdict {
  score: number;
  alert: boolean;
  recentMean: number;
  points: number;
}

interface Series {
  detector: StreamingDetector;
  mean: number;
}

// The recent average in the reason: an EWMA over roughly the last 50 points.
const MEAN_ALPHA = 0.02;

/** A streaming detector per pipeline × metric, created on first sight; constant memory per series. */
export class MetricStreams {
  // pipeline → metric → series: no key string built per point.
  private readonly series = new Map<string, Map<string, Series>>();
  private count = 0;
  private readonly maxSeries: number;

  constructor(private readonly options: MetricStreamOptions = {}) {
    this.maxSeries = options.maxSeries ?? 20_000;
  }

  /** Judges the next value of the series; null when the metric is not judged or the cap is reached. */
  update(pipelineId: string, metric: string, value: number): StreamVerdict | null {
    if (!STREAM_METRICS.has(metric) || !Number.isFinite(value)) return null;
    let ofPipeline = this.series.get(pipelineId);
    let s = ofPipeline?.get(metric);
    if (s === undefined) {
      if (this.count >= this.maxSeries) return null;
      s = { detector: new StreamingDetector(this.options.detector ?? {}), mean: value };
      if (ofPipeline === undefined) this.series.set(pipelineId, (ofPipeline = new Map()));
      ofPipeline.set(metric, s);
      this.count++;
    }
    const before = s.mean;
    const score = s.detector.update(value);
    s.mean += MEAN_ALPHA * (value - s.mean);
    return {
      score,
      alert: score >= (this.options.alertLevel ?? METRIC_ALERT_LEVEL),
      recentMean: before,
      points: s.detector.points,
    };
  }

  /** Series held and the bytes of their state. */
  stats(): { series: number; bytes: number } {
    let bytes = 0;
    for (const ofPipeline of this.series.values())
      for (const s of ofPipeline.values()) bytes += s.detector.stateBytes;
    return { series: this.count, bytes };
  }
}
