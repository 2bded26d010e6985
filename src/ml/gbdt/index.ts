// Gradient-boosted trees, the public face: train, predict, explain (TreeSHAP), save and load.
export { GBDT_PARAMS, resolveGbdtParams, type GbdtParams } from './params.js';
export type { GbdtModel } from './model.js';
export type { Tree } from './tree.js';
export { goesLeft, leafOf } from './tree.js';
export { trainGbdt, type LabelledSet, type TrainOptions } from './booster.js';
export { predict, predictRaw } from './predict.js';
export { contributions, expectedRaw } from './shap.js';
export { gainImportance } from './importance.js';
export { saveGbdt, loadGbdt, GBDT_MODEL } from './serialize.js';
