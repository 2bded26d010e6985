export * from './store.js';
export * from './pipelines.js';
export * from './anomalies.js';
export * from './models.js';
export * from './logs.js';
export * from './healing.js';
export * from './write-back.js';
export * from './predictions.js';
