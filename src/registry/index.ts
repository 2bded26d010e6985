/** The registry room's public face: model versions, their rollout status and naming. */
export { ModelRegistry, type ModelDraft } from './model-registry.js';
export { canTransition, versionName } from './rollout.js';
