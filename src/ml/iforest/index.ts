export { IsolationForest, AUTO_OFFSET, type IsolationForestParts } from './model.js';
export {
  ISOLATION_FOREST_PARAMS,
  resolveIsolationForestParams,
  type IsolationForestInput,
  type IsolationForestParams,
} from './params.js';
export { encodeIsolationForest, decodeIsolationForest, ISOLATION_FOREST_MODEL } from './serialize.js';
export { averagePathLength } from './path-length.js';
export type { ForestNodes } from './forest.js';
