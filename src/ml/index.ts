// The ML core's public face: models, calibration, metrics and their shared plumbing.
export * from './params.js';
export * from './artifact.js';
export * from './matrix.js';
export * from './metrics/index.js';
export * from './iforest/index.js';
export * from './gbdt/index.js';
export * from './calibration/index.js';
