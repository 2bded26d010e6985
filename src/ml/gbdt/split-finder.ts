/** The best split of one leaf, written in place by `findBestSplit`. `feature` −1 = no valid split. */
export class SplitInfo {
  gain = 0;
  feature = -1;
  /** Rows whose bin is ≤ this go left; the top bin (XGBoost's rules only): every finite value left. */
  bin = 0;
  /**
   * Where missing values go (learnt when the leaf had some; else the side with more rows, or right
   * under `compat: 'xgboost'`).
   */
  defaultLeft = false;
  leftGrad = 0;
  leftHess = 0;
  leftCount = 0;
}

/** The constraints a split must meet, taken from the hyperparameters. */
export interface SplitRules {
  readonly lambdaL2: number;
  readonly minSamplesLeaf: number;
  readonly minChildWeight: number;
  readonly minGain: number;
  /** XGBoost 1.7's split search (`findBestSplitXgboost`) instead of ours. */
  readonly xgboost?: boolean;
  /**
   * scikit-learn 1.2's split search (`findBestSplitSklearn`) instead of ours: 1 for each feature with
   * missing values anywhere in the training rows.
   */
  readonly sklearnMissing?: Uint8Array;
}

/** G²/(H+λ): twice the loss reduction a leaf with these sums achieves at its optimal value. */
export function leafScore(grad: number, hess: number, lambdaL2: number): number {
  return (grad * grad) / (hess + lambdaL2);
}

/** The optimal value of a leaf, −G/(H+λ), before shrinkage. */
export function leafOutput(grad: number, hess: number, lambdaL2: number): number {
  const denom = hess + lambdaL2;
  return denom > 0 ? -grad / denom : 0;
}

/**
 * Scans every bin boundary of every listed feature, with missing values sent left and right, and
 * writes the split of highest gain (GL²/(HL+λ) + GR²/(HR+λ) − G²/(H+λ)) into `out`. Only gains above
 * `minGain` count; ties keep the first found (lower feature, lower bin), so results are deterministic.
 */
export function findBestSplit(
  out: SplitInfo,
  hist: Float64Array,
  features: Int32Array,
  offset: Int32Array,
  numBins: Int32Array,
  sumGrad: number,
  sumHess: number,
  count: number,
  rules: SplitRules,
): void {
  const { lambdaL2, minSamplesLeaf, minChildWeight } = rules;
  const parent = leafScore(sumGrad, sumHess, lambdaL2);
  out.gain = rules.minGain;
  out.feature = -1;
  for (let k = 0; k < features.length; k++) {
    const f = features[k];
    const nb = numBins[f];
    if (nb < 2) continue;
    const base = offset[f] * 3;
    const ms = base + nb * 3;
    const gm = hist[ms];
    const hm = hist[ms + 1];
    const cm = hist[ms + 2];
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b < nb - 1; b++) {
      const s = base + b * 3;
      // An empty bin moves nothing from right to left: same candidate as the previous boundary.
      if (hist[s + 2] === 0) continue;
      gl += hist[s];
      hl += hist[s + 1];
      cl += hist[s + 2];
      // Missing right: left = finite bins ≤ b.
      let cr = count - cl;
      if (cr < minSamplesLeaf) break;
      if (cl >= minSamplesLeaf && hl >= minChildWeight && sumHess - hl >= minChildWeight) {
        const hr = sumHess - hl;
        if (hl + lambdaL2 > 0 && hr + lambdaL2 > 0) {
          const gr = sumGrad - gl;
          const gain = (gl * gl) / (hl + lambdaL2) + (gr * gr) / (hr + lambdaL2) - parent;
          if (gain > out.gain) {
            out.gain = gain;
            out.feature = f;
            out.bin = b;
            // Without missing rows here the direction is free: send unseen missing values to the bigger side.
            out.defaultLeft = cm === 0 && cl > cr;
            out.leftGrad = gl;
            out.leftHess = hl;
            out.leftCount = cl;
          }
        }
      }
      if (cm === 0) continue;
      // Missing left.
      const gl2 = gl + gm;
      const hl2 = hl + hm;
      const cl2 = cl + cm;
      cr = count - cl2;
      const hr2 = sumHess - hl2;
      if (cl2 < minSamplesLeaf || cr < minSamplesLeaf || hl2 < minChildWeight || hr2 < minChildWeight) {
        continue;
      }
      if (hl2 + lambdaL2 > 0 && hr2 + lambdaL2 > 0) {
        const gr = sumGrad - gl2;
        const gain = (gl2 * gl2) / (hl2 + lambdaL2) + (gr * gr) / (hr2 + lambdaL2) - parent;
        if (gain > out.gain) {
          out.gain = gain;
          out.feature = f;
          out.bin = b;
          out.defaultLeft = true;
          out.leftGrad = gl2;
          out.leftHess = hl2;
          out.leftCount = cl2;
        }
      }
    }
  }
}

/**
 * The split search of XGBoost 1.7's `hist` updater, for `compat: 'xgboost'`: per feature, first every
 * bin boundary with missing values right (low bins first; with missing values in the leaf also above
 * the top bin: every finite value left, the missing ones right), then — when the leaf has missing
 * values — with them left (high bins first). (XGBoost also tries "missing alone left", the mirror of
 * the first and never strictly better, so it is left out.) Gains are compared in single
 * precision as XGBoost stores them: a candidate replaces the best only when strictly larger there, so
 * ties go to the lower feature and the first boundary found. Without missing values in the leaf, unseen
 * missing values go right. Same constraints as `findBestSplit` (rows, hessian, minimum gain).
 */
export function findBestSplitXgboost(
  out: SplitInfo,
  hist: Float64Array,
  features: Int32Array,
  offset: Int32Array,
  numBins: Int32Array,
  sumGrad: number,
  sumHess: number,
  count: number,
  rules: SplitRules,
): void {
  const { lambdaL2, minSamplesLeaf, minChildWeight } = rules;
  const parent = leafScore(sumGrad, sumHess, lambdaL2);
  out.gain = Math.fround(rules.minGain);
  out.feature = -1;
  const consider = (f: number, b: number, gl: number, hl: number, cl: number, missingLeft: boolean): void => {
    const hr = sumHess - hl;
    const cr = count - cl;
    if (cl < minSamplesLeaf || cr < minSamplesLeaf || hl < minChildWeight || hr < minChildWeight) return;
    if (!(hl + lambdaL2 > 0 && hr + lambdaL2 > 0)) return;
    const gr = sumGrad - gl;
    const gain = Math.fround((gl * gl) / (hl + lambdaL2) + (gr * gr) / (hr + lambdaL2) - parent);
    if (gain > out.gain) {
      out.gain = gain;
      out.feature = f;
      out.bin = b;
      out.defaultLeft = missingLeft;
      out.leftGrad = gl;
      out.leftHess = hl;
      out.leftCount = cl;
    }
  };
  for (let k = 0; k < features.length; k++) {
    const f = features[k];
    const nb = numBins[f];
    const base = offset[f] * 3;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    // The top bin's candidate has only the missing rows on the right: none without missing values.
    for (let b = 0; b < nb; b++) {
      const s = base + b * 3;
      gl += hist[s];
      hl += hist[s + 1];
      cl += hist[s + 2];
      consider(f, b, gl, hl, cl, false);
    }
    const ms = base + nb * 3;
    if (hist[ms + 2] === 0) continue;
    // Missing left: left = missing + finite bins ≤ b, for b from the top boundary down.
    let gr = 0;
    let hr = 0;
    let cr = 0;
    for (let b = nb - 2; b >= 0; b--) {
      const s = base + (b + 1) * 3;
      gr += hist[s];
      hr += hist[s + 1];
      cr += hist[s + 2];
      consider(f, b, sumGrad - gr, sumHess - hr, count - cr, true);
    }
  }
}

/** scikit-learn's leaf value −G/(H + λ + 1e-15), unshrunk (its `compute_node_value`). */
export function sklearnNodeValue(grad: number, hess: number, lambdaL2: number): number {
  return -grad / (hess + lambdaL2 + 1e-15);
}

/**
 * The split search of scikit-learn 1.2's HistGradientBoosting, for `compat: 'sklearn'`, rounding and
 * ties included. Gain = P − GL·vL − GR·vR, with vL, vR the children's values (`sklearnNodeValue`) and
 * P = G × `nodeValue` (the node's own value; 0 at the root). Per feature, low bins first with missing
 * values right, the boundaries and — for a feature with missing training values — also "every finite
 * value left"; then, for such a feature, high bins first with missing values left, the right side summed
 * from the top (a candidate there must beat the first scan strictly). A side needs `minSamplesLeaf` rows
 * and a hessian sum of `minChildWeight` (scikit-learn's min_hessian_to_split); only gains above
 * `minGain` count; ties go to the lower feature, then the first candidate found. For a feature without
 * missing training values, unseen missing values go to the side with more rows (ties right).
 */
export function findBestSplitSklearn(
  out: SplitInfo,
  hist: Float64Array,
  features: Int32Array,
  offset: Int32Array,
  numBins: Int32Array,
  sumGrad: number,
  sumHess: number,
  count: number,
  rules: SplitRules,
  nodeValue: number,
): void {
  const { lambdaL2, minSamplesLeaf, minChildWeight, minGain } = rules;
  const hasMissing = rules.sklearnMissing as Uint8Array;
  const parentLoss = sumGrad * nodeValue;
  let best = -1;
  out.gain = -1;
  out.feature = -1;
  const gainOf = (gl: number, hl: number, gr: number, hr: number): number => {
    let gain = parentLoss;
    gain -= gl * sklearnNodeValue(gl, hl, lambdaL2);
    gain -= gr * sklearnNodeValue(gr, hr, lambdaL2);
    return gain;
  };
  for (let k = 0; k < features.length; k++) {
    const f = features[k];
    const nb = numBins[f];
    const base = offset[f] * 3;
    const missing = hasMissing[f] === 1;
    let featureGain = -1;
    let bin = -1;
    let missingLeft = false;
    let bestGl = 0;
    let bestHl = 0;
    let bestCl = 0;
    // Missing values right: left = finite bins ≤ b.
    let gl = 0;
    let hl = 0;
    let cl = 0;
    const end = nb - 1 + (missing ? 1 : 0);
    for (let b = 0; b < end; b++) {
      const s = base + b * 3;
      cl += hist[s + 2];
      const cr = count - cl;
      hl += hist[s + 1];
      const hr = sumHess - hl;
      gl += hist[s];
      const gr = sumGrad - gl;
      if (cl < minSamplesLeaf) continue;
      if (cr < minSamplesLeaf) break;
      if (hl < minChildWeight) continue;
      if (hr < minChildWeight) break;
      const gain = gainOf(gl, hl, gr, hr);
      if (gain > featureGain && gain > minGain) {
        featureGain = gain;
        bin = b;
        bestGl = gl;
        bestHl = hl;
        bestCl = cl;
      }
    }
    if (missing) {
      // Missing values left: right = finite bins > b, summed from the top.
      let gr = 0;
      let hr = 0;
      let cr = 0;
      for (let b = nb - 2; b >= 0; b--) {
        const s = base + (b + 1) * 3;
        cr += hist[s + 2];
        const cl2 = count - cr;
        hr += hist[s + 1];
        const hl2 = sumHess - hr;
        gr += hist[s];
        const gl2 = sumGrad - gr;
        if (cr < minSamplesLeaf) continue;
        if (cl2 < minSamplesLeaf) break;
        if (hr < minChildWeight) continue;
        if (hl2 < minChildWeight) break;
        const gain = gainOf(gl2, hl2, gr, hr);
        if (gain > featureGain && gain > minGain) {
          featureGain = gain;
          bin = b;
          missingLeft = true;
          bestGl = gl2;
          bestHl = hl2;
          bestCl = cl2;
        }
      }
    }
    if (bin >= 0 && featureGain > best) {
      best = featureGain;
      out.gain = featureGain;
      out.feature = f;
      out.bin = bin;
      out.defaultLeft = missing ? missingLeft : bestCl > count - bestCl;
      out.leftGrad = bestGl;
      out.leftHess = bestHl;
      out.leftCount = bestCl;
    }
  }
}
