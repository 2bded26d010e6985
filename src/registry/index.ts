/** The registry room's public face: model versions, their rollout, routing, comparison and gate. */
export {
  ModelRegistry,
  type GateDecision,
  type ModelDraft,
  type PromoteRequest,
  type RegistryOptions,
} from './model-registry.js';
export type { ComparedVersion, Comparison, VersionMetrics } from './comparison.js';
export { outcomesByKind } from './outcomes.js';
export { canaryBucket, type Route } from './routing.js';
export { canTransition, versionName } from './rollout.js';
