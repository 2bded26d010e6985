import type { Calibrator } from './calibrator.js';
import { checkCalibrationInputs } from './check-inputs.js';

const MAX_ITERATIONS = 100;
// Newton stops once the gradient is this small relative to the total weight: far below what
// changes a probability, yet reachable in double precision.
const GRADIENT_TOLERANCE = 1e-11;

/**
 * Platt scaling: P(y = 1 | s) = 1 / (1 + exp(a·s + b)). Fitted like scikit-learn's sigmoid
 * calibration — Platt's smoothed targets (N₊ + 1)/(N₊ + 2) and 1/(N₋ + 2), which keep a and b finite
 * even on separable scores, same starting point — but by Newton's method with a backtracking line
 * search (Lin, Lin & Weng 2007) instead of BFGS, so it reaches the same optimum more tightly.
 */
export class PlattCalibrator implements Calibrator {
  private constructor(
    readonly a: number,
    readonly b: number,
  ) {}

  /** Rebuilds a calibrator from known coefficients. */
  static fromCoefficients(a: number, b: number): PlattCalibrator {
    return new PlattCalibrator(a, b);
  }

  /** Fits a and b on held-out scores and their 0/1 labels (optionally weighted). */
  static fit(
    scores: ArrayLike<number>,
    yTrue: ArrayLike<number>,
    weights?: ArrayLike<number>,
  ): PlattCalibrator {
    checkCalibrationInputs('PlattCalibrator', scores, yTrue, weights, true);
    const n = scores.length;
    let positives = 0;
    for (let i = 0; i < n; i++) positives += yTrue[i];
    const negatives = n - positives;
    // Smoothed targets; the class counts ignore weights, as scikit-learn's do.
    const hi = (positives + 1) / (positives + 2);
    const lo = 1 / (negatives + 2);
    const target = new Float64Array(n);
    const weight = new Float64Array(n);
    let totalWeight = 0;
    for (let i = 0; i < n; i++) {
      target[i] = yTrue[i] === 1 ? hi : lo;
      weight[i] = weights ? weights[i] : 1;
      totalWeight += weight[i];
    }
    const problem = { scores, target, weight };
    let a = 0;
    let b = Math.log((negatives + 1) / (positives + 1));
    let loss = objective(problem, a, b);
    for (let it = 0; it < MAX_ITERATIONS; it++) {
      const g = gradientAndHessian(problem, a, b);
      if (Math.hypot(g.ga, g.gb) <= GRADIENT_TOLERANCE * totalWeight) break;
      // Solve H·d = −g (2×2); the tiny ridge keeps H invertible when all scores are equal.
      const haa = g.haa + 1e-12;
      const hbb = g.hbb + 1e-12;
      const det = haa * hbb - g.hab * g.hab;
      const da = -(hbb * g.ga - g.hab * g.gb) / det;
      const db = -(haa * g.gb - g.hab * g.ga) / det;
      const slope = g.ga * da + g.gb * db;
      let step = 1;
      let next = objective(problem, a + da, b + db);
      while (next > loss + 1e-4 * step * slope && step > 1e-10) {
        step /= 2;
        next = objective(problem, a + step * da, b + step * db);
      }
      if (!(next <= loss)) break;
      a += step * da;
      b += step * db;
      loss = next;
    }
    return new PlattCalibrator(a, b);
  }

  /** Calibrated probabilities of `scores`, written into `out`. */
  transform(scores: ArrayLike<number>, out: Float64Array = new Float64Array(scores.length)): Float64Array {
    for (let i = 0; i < scores.length; i++) out[i] = 1 / (1 + Math.exp(this.a * scores[i] + this.b));
    return out;
  }
}

interface Problem {
  scores: ArrayLike<number>;
  target: Float64Array;
  weight: Float64Array;
}

/** Weighted cross-entropy of the smoothed targets, with log P computed without overflow. */
function objective({ scores, target, weight }: Problem, a: number, b: number): number {
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    const z = a * scores[i] + b;
    // P = σ(−z): −log P = softplus(z), −log(1 − P) = softplus(−z)
    sum += weight[i] * (target[i] * softplus(z) + (1 - target[i]) * softplus(-z));
  }
  return sum;
}

/** Gradient (ga, gb) and Hessian (haa, hab, hbb) of the objective in (a, b). */
interface Derivatives {
  ga: number;
  gb: number;
  haa: number;
  hab: number;
  hbb: number;
}

function gradientAndHessian({ scores, target, weight }: Problem, a: number, b: number): Derivatives {
  let ga = 0;
  let gb = 0;
  let haa = 0;
  let hab = 0;
  let hbb = 0;
  for (let i = 0; i < scores.length; i++) {
    const f = scores[i];
    const z = a * f + b;
    const p = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
    const d = weight[i] * (target[i] - p);
    const h = weight[i] * p * (1 - p);
    ga += d * f;
    gb += d;
    haa += h * f * f;
    hab += h * f;
    hbb += h;
  }
  return { ga, gb, haa, hab, hbb };
}

function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}
