import { ValidationError } from '../../shared/index.js';

/**
 * The training rows' scores during a fit, with the gradient and hessian of each row's loss at its
 * current score: adding a tree's values refreshes them for the rows it touches, so a round needs no
 * separate pass over all rows.
 */
export interface TrainingScores {
  /** Row r's gradient at `gh[2r]`, its hessian at `gh[2r + 1]`. */
  readonly gh: Float64Array;
  /** Adds `delta` to the rows `rows[begin … end)`. */
  addToRows(rows: Int32Array, begin: number, end: number, delta: number): void;
  /** Adds `delta` to row `r`. */
  addToRow(r: number, delta: number): void;
}

/** A loss the booster minimises: its start value, training scores and validation metric. */
export interface Objective {
  readonly name: 'binary' | 'regression';
  /** Throws ValidationError when a label is not allowed. */
  checkLabels(y: Float64Array): void;
  /** The best constant raw score (the prior), from labels and weights. */
  initScore(y: Float64Array, w: Float64Array): number;
  /** Training scores for labels `y` and weights `w`, all starting at `init`. */
  startScores(y: Float64Array, w: Float64Array, init: number): TrainingScores;
  /** The start value as scikit-learn 1.2's HistGradientBoosting computes it (`compat: 'sklearn'`). */
  initScoreSklearn(y: Float64Array, w: Float64Array): number;
  /**
   * Training scores as scikit-learn 1.2's HistGradientBoosting keeps them (`compat: 'sklearn'`): the
   * raw scores in double precision, each row's gradient and hessian recomputed from its raw score with
   * scikit-learn's formulas and rounded to single precision, as it stores them.
   */
  startScoresSklearn(y: Float64Array, w: Float64Array, init: number): TrainingScores;
  /** Weighted validation metric at `raw` (logloss or RMSE); lower is better. */
  validationLoss(y: Float64Array, w: Float64Array, raw: Float64Array): number;
}

/** Clamp so log(p) stays finite and hessians positive when a prediction saturates. */
const EPS = 1e-15;

/**
 * Logistic scores kept as e = exp(−raw) per row: a tree adds the same delta to every row of a leaf,
 * so e is updated by one multiplication, and the gradients need no Math.exp per row (which V8 runs
 * several times slower than the rest of the gradient loop).
 */
class LogisticScores implements TrainingScores {
  readonly gh: Float64Array;
  private readonly expNeg: Float64Array;

  constructor(
    private readonly y: Float64Array,
    /** Row weights with scale_pos_weight folded in. */
    private readonly w: Float64Array,
    init: number,
  ) {
    this.gh = new Float64Array(2 * y.length);
    this.expNeg = new Float64Array(y.length).fill(Math.exp(-init));
    for (let r = 0; r < y.length; r++) this.refresh(r, 1);
  }

  addToRows(rows: Int32Array, begin: number, end: number, delta: number): void {
    const factor = Math.exp(-delta);
    for (let i = begin; i < end; i++) this.refresh(rows[i], factor);
  }

  addToRow(r: number, delta: number): void {
    this.refresh(r, Math.exp(-delta));
  }

  /** Multiplies row r's e by `factor` and recomputes its gradient and hessian. */
  private refresh(r: number, factor: number): void {
    const e = this.expNeg[r] * factor;
    this.expNeg[r] = e;
    const p = 1 / (1 + e);
    const w = this.w[r];
    this.gh[2 * r] = (p - this.y[r]) * w;
    this.gh[2 * r + 1] = Math.max(p * (1 - p), EPS) * w;
  }
}

/**
 * Squared error: gradient raw − y, hessian the row weight (constant, written once). With
 * `singlePrecision` both are kept as scikit-learn 1.2 keeps them (`compat: 'sklearn'`): in float32.
 */
class SquaredErrorScores implements TrainingScores {
  readonly gh: Float64Array;
  private readonly raw: Float64Array;

  constructor(
    private readonly y: Float64Array,
    private readonly w: Float64Array,
    init: number,
    private readonly singlePrecision = false,
  ) {
    this.gh = new Float64Array(2 * y.length);
    this.raw = new Float64Array(y.length).fill(init);
    for (let r = 0; r < y.length; r++) {
      this.gh[2 * r + 1] = singlePrecision ? Math.fround(w[r]) : w[r];
      this.addToRow(r, 0);
    }
  }

  addToRows(rows: Int32Array, begin: number, end: number, delta: number): void {
    for (let i = begin; i < end; i++) this.addToRow(rows[i], delta);
  }

  addToRow(r: number, delta: number): void {
    const raw = this.raw[r] + delta;
    this.raw[r] = raw;
    const g = (raw - this.y[r]) * this.w[r];
    this.gh[2 * r] = this.singlePrecision ? Math.fround(g) : g;
  }
}

/**
 * Logistic scores the way scikit-learn 1.2 computes them (`compat: 'sklearn'`): e = exp(−raw),
 * gradient ((1 − y) − y·e)/(1 + e), hessian e/(1 + e)², each times the row weight, in single precision.
 */
class SklearnLogisticScores implements TrainingScores {
  readonly gh: Float64Array;
  private readonly raw: Float64Array;

  constructor(
    private readonly y: Float64Array,
    private readonly w: Float64Array,
    init: number,
  ) {
    this.gh = new Float64Array(2 * y.length);
    this.raw = new Float64Array(y.length).fill(init);
    for (let r = 0; r < y.length; r++) this.addToRow(r, 0);
  }

  addToRows(rows: Int32Array, begin: number, end: number, delta: number): void {
    for (let i = begin; i < end; i++) this.addToRow(rows[i], delta);
  }

  addToRow(r: number, delta: number): void {
    const raw = this.raw[r] + delta;
    this.raw[r] = raw;
    const y = this.y[r];
    const w = this.w[r];
    const e = Math.exp(-raw);
    const onePlus = 1 + e;
    this.gh[2 * r] = Math.fround(w * ((1 - y - y * e) / onePlus));
    this.gh[2 * r + 1] = Math.fround(w * (e / (onePlus * onePlus)));
  }
}

/** The weighted mean of `y`: Σ wᵢyᵢ / Σ wᵢ. */
function weightedMean(y: Float64Array, w: Float64Array): number {
  let sum = 0;
  let all = 0;
  for (let i = 0; i < y.length; i++) {
    sum += w[i] * y[i];
    all += w[i];
  }
  return sum / all;
}

/** scikit-learn keeps its start probability this far (10 × double epsilon) from 0 and 1. */
const SKLEARN_P_EPS = 10 * Number.EPSILON;

/** Binary logloss on raw scores (log-odds); positive rows weigh `scalePosWeight` times more. */
export function binaryLogloss(scalePosWeight: number): Objective {
  const effectiveWeights = (y: Float64Array, w: Float64Array): Float64Array =>
    w.map((wi, i) => (y[i] === 1 ? wi * scalePosWeight : wi));
  return {
    name: 'binary',
    checkLabels(y) {
      for (let i = 0; i < y.length; i++) {
        if (y[i] !== 0 && y[i] !== 1) {
          throw new ValidationError('y', `binary labels must be 0 or 1, row ${i} has ${y[i]}`);
        }
      }
    },
    initScore(y, w) {
      const ew = effectiveWeights(y, w);
      let pos = 0;
      let all = 0;
      for (let i = 0; i < y.length; i++) {
        pos += y[i] * ew[i];
        all += ew[i];
      }
      const p = Math.min(1 - EPS, Math.max(EPS, pos / all));
      return Math.log(p / (1 - p));
    },
    startScores(y, w, init) {
      return new LogisticScores(y, effectiveWeights(y, w), init);
    },
    initScoreSklearn(y, w) {
      const p = Math.min(1 - SKLEARN_P_EPS, Math.max(SKLEARN_P_EPS, weightedMean(y, effectiveWeights(y, w))));
      return Math.log(p / (1 - p));
    },
    startScoresSklearn(y, w, init) {
      return new SklearnLogisticScores(y, effectiveWeights(y, w), init);
    },
    validationLoss(y, w, raw) {
      let loss = 0;
      let all = 0;
      for (let i = 0; i < y.length; i++) {
        const p = Math.min(1 - EPS, Math.max(EPS, 1 / (1 + Math.exp(-raw[i]))));
        loss -= w[i] * (y[i] === 1 ? Math.log(p) : Math.log(1 - p));
        all += w[i];
      }
      return loss / all;
    },
  };
}

/** Squared error; the validation metric is RMSE. */
export function squaredError(): Objective {
  return {
    name: 'regression',
    checkLabels(y) {
      for (let i = 0; i < y.length; i++) {
        if (!Number.isFinite(y[i])) {
          throw new ValidationError('y', `regression targets must be finite, row ${i} has ${y[i]}`);
        }
      }
    },
    initScore: weightedMean,
    startScores(y, w, init) {
      return new SquaredErrorScores(y, w, init);
    },
    initScoreSklearn: weightedMean,
    startScoresSklearn(y, w, init) {
      return new SquaredErrorScores(y, w, init, true);
    },
    validationLoss(y, w, raw) {
      let sq = 0;
      let all = 0;
      for (let i = 0; i < y.length; i++) {
        const d = raw[i] - y[i];
        sq += w[i] * d * d;
        all += w[i];
      }
      return Math.sqrt(sq / all);
    },
  };
}

/** The objective a model's `objective` hyperparameter names. */
export function objectiveFor(name: 'binary' | 'regression', scalePosWeight: number): Objective {
  return name === 'binary' ? binaryLogloss(scalePosWeight) : squaredError();
}
