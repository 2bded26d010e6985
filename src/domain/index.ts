export * from './events.js';
export * from './identity.js';
