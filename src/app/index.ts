export * from './ingest-service.js';
export * from './rebuild.js';
export * from './anomaly-service.js';
export * from './anomaly-insights.js';
