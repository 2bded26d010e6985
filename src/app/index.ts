export * from './ingest-service.js';
export * from './rebuild.js';
export * from './anomaly-service.js';
export * from './anomaly-insights.js';
export * from './log-mining.js';
export * from './root-cause-service.js';
export * from './recommendation-service.js';
export * from './template-signals.js';
