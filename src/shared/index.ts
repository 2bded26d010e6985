export * from './errors.js';
export * from './clock.js';
export * from './rng.js';
export * from './hash.js';
