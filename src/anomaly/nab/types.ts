/** One NAB cost profile: the weight of a detected window, of a missed window and of a false alarm. */
export interface CostProfile {
  readonly name: string;
  readonly tpWeight: number;
  readonly fnWeight: number;
  readonly fpWeight: number;
}

/** A labelled anomaly window as NAB writes it: inclusive start and end timestamps. */
export type WindowLabel = readonly [start: string, end: string];

/** One file to score: its name (`category/series.csv`), row timestamps, per-row scores and windows. */
export interface ScoredSeries {
  readonly name: string;
  readonly timestamps: readonly string[];
  /** The detector's anomaly score for every row, in [0, 1]. */
  readonly scores: ArrayLike<number>;
  readonly windows: readonly WindowLabel[];
}

/** A file's outcome at one threshold under one profile; counts are rows, as in NAB's `*_scores.csv`. */
export interface FileScore {
  readonly file: string;
  readonly profile: string;
  readonly threshold: number;
  /** Raw (unnormalised) NAB score of the file. */
  readonly score: number;
  readonly tp: number;
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
}
