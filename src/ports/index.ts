export * from './store.js';
export * from './pipelines.js';
