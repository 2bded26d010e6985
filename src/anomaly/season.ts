import { featureStats, medianOf, type FeatureStats } from './stats.js';

/**
 * A feature's daily profile: a smooth curve over the UTC day (a constant and the 24 h and 12 h
 * harmonics, fitted robustly), and the spread of the values around it, pooled over the day.
 */
export interface Season {
  /** [constant, sin 24 h, cos 24 h, sin 12 h, cos 12 h]. */
  coef: number[];
  /**
   * Stats of the values minus the curve (the deseasonalised spread) — divided by the curve when
   * `relative`: the spread of a feature measured on a scale grows with its level.
   */
  residual: FeatureStats;
  relative: boolean;
  /** Share of the feature's robust variance the curve explains, 0..1. */
  explained: number;
}

/** Four-hour sectors of the day, each of which needs MIN_PER_SECTOR values before a profile is fitted. */
export const SECTORS = 6;
/** Values each sector of the day needs: a profile is only fitted over a day that was covered. */
export const MIN_PER_SECTOR = 6;
/**
 * Share of the robust variance the curve must explain to be used. Five coefficients fitted on n ≥ 36
 * values of noise explain about 5/n by chance; a weaker pattern than half the spread gains little and
 * exposes the residuals' tails (measured on the demo workload, docs/BENCHMARKS.md).
 */
export const MIN_EXPLAINED = 0.5;

const MAD_TO_SIGMA = 1.4826;
// Huber's constant: full weight within 1.345 σ, then influence bounded, so a fault episode in the
// history (an hour of odd values) barely moves a curve that spans the whole day.
const HUBER_K = 1.345;
const IRLS_ROUNDS = 8;
const TERMS = 5;

/**
 * The daily profile of `values` taken at `hours` (UTC, fractional; null = unknown), or null when some
 * part of the day has too few values or the time of day explains too little of the spread.
 */
export function detectSeason(
  values: readonly number[],
  hours: readonly (number | null)[],
  skewed: boolean,
  onScale: boolean,
): Season | null {
  const known: number[] = [];
  const at: number[] = [];
  values.forEach((v, i) => {
    const h = hours[i];
    if (h !== null && h !== undefined) {
      known.push(v);
      at.push(h);
    }
  });
  const sectors = new Array<number>(SECTORS).fill(0);
  for (const h of at) sectors[Math.min(SECTORS - 1, Math.floor((h * SECTORS) / 24))]++;
  if (sectors.some((c) => c < MIN_PER_SECTOR)) return null;
  const before = robustSigma(known);
  if (before === 0) return null;
  const coef = fitRobust(known, at);
  if (coef === null) return null;
  const residuals = known.map((v, i) => v - curve(coef, at[i]));
  const explained = 1 - (robustSigma(residuals) / before) ** 2;
  if (!(explained >= MIN_EXPLAINED)) return null;
  // On a scale the noise is proportional to the level (busy hours vary more in absolute terms).
  const relative = onScale && Array.from({ length: 48 }, (_, i) => curve(coef, i / 2)).every((c) => c > 0);
  const residual = featureStats(relative ? residuals.map((r, i) => r / curve(coef, at[i])) : residuals);
  // The residuals of a skewed feature stay skewed: judge them robustly as the flat stats would.
  return { coef, residual: { ...residual, skewed: residual.skewed || skewed }, relative, explained };
}

/** The stats of the hour containing `hour` (the curve at the hour's middle), labelled with that hour. */
export function seasonalStats(season: Season, hour: number): FeatureStats {
  const h = Math.min(23, Math.max(0, Math.floor(hour)));
  const c = curve(season.coef, h + 0.5);
  const r = season.residual;
  const window = windowWords(h);
  if (!season.relative) return { ...r, mean: r.mean + c, median: r.median + c, window };
  return { ...r, mean: c * (1 + r.mean), median: c * (1 + r.median), std: c * r.std, mad: c * r.mad, window };
}

/** "02:00–03:00 UTC" for hour 2. */
export function windowWords(hour: number): string {
  const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
  return `${hh(hour)}–${hh(hour + 1)} UTC`;
}

/** The profile's value at `hour`. */
export function curve(coef: readonly number[], hour: number): number {
  const x = terms(hour);
  let y = 0;
  for (let j = 0; j < TERMS; j++) y += coef[j] * x[j];
  return y;
}

function terms(hour: number): number[] {
  const a = (2 * Math.PI * hour) / 24;
  return [1, Math.sin(a), Math.cos(a), Math.sin(2 * a), Math.cos(2 * a)];
}

/** Huber regression by iteratively reweighted least squares; null when the system is singular. */
function fitRobust(values: readonly number[], hours: readonly number[]): number[] | null {
  const x = hours.map(terms);
  const w = new Array<number>(values.length).fill(1);
  let coef: number[] | null = null;
  for (let round = 0; round < IRLS_ROUNDS; round++) {
    coef = weightedLeastSquares(x, values, w);
    if (coef === null) return null;
    const c = coef;
    const r = values.map((v, i) => v - x[i].reduce((s, t, j) => s + t * c[j], 0));
    const s = robustSigma(r);
    if (s === 0) break;
    r.forEach((ri, i) => (w[i] = Math.abs(ri) <= HUBER_K * s ? 1 : (HUBER_K * s) / Math.abs(ri)));
  }
  return coef;
}

function weightedLeastSquares(
  x: readonly number[][],
  y: readonly number[],
  w: readonly number[],
): number[] | null {
  // Normal equations [XᵀWX | XᵀWy], solved by Gaussian elimination with partial pivoting.
  const a = Array.from({ length: TERMS }, () => new Array<number>(TERMS + 1).fill(0));
  x.forEach((row, i) => {
    for (let j = 0; j < TERMS; j++) {
      for (let k = 0; k < TERMS; k++) a[j][k] += w[i] * row[j] * row[k];
      a[j][TERMS] += w[i] * row[j] * y[i];
    }
  });
  for (let col = 0; col < TERMS; col++) {
    let pivot = col;
    for (let r = col + 1; r < TERMS; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (Math.abs(a[pivot][col]) < 1e-12) return null;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < TERMS; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let k = col; k <= TERMS; k++) a[r][k] -= f * a[col][k];
    }
  }
  return a.map((row, j) => row[TERMS] / a[j][j]);
}

function robustSigma(values: readonly number[]): number {
  const m = medianOf(values);
  return MAD_TO_SIGMA * medianOf(values.map((v) => Math.abs(v - m)));
}
