export * from './params.js';
export * from './artifact.js';
