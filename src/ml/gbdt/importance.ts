import type { GbdtModel } from './model.js';

/** Gain importance: the summed loss reduction of every split on each feature, over all trees. */
export function gainImportance(model: GbdtModel): Float64Array {
  const out = new Float64Array(model.numFeatures);
  for (const tree of model.trees) {
    for (let i = 0; i < tree.numLeaves - 1; i++) out[tree.splitFeature[i]] += tree.splitGain[i];
  }
  return out;
}
