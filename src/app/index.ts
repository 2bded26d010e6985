export * from './ingest-service.js';
export * from './rebuild.js';
