export * from './store.js';
export * from './pipelines.js';
export * from './anomalies.js';
export * from './models.js';
export * from './logs.js';
