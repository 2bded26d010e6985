export { buildApp, type AppServices, type HttpOptions } from './app.js';
export { STATUS_BY_CODE, errorBody } from './errors.js';
