/** The best split of one leaf, written in place by `findBestSplit`. `feature` −1 = no valid split. */
export class SplitInfo {
  gain = 0;
  feature = -1;
  /** Rows whose bin is ≤ this go left. */
  bin = 0;
  /** Where missing values go (learnt when the leaf had some; else the side with more rows). */
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
