export { decodeEvent, decodeBatch, type DecodedBatch, type Rejection } from './decode.js';
export { parseNdjson, type ParsedLines } from './ndjson.js';
export type { DecodeContext } from './fields.js';
export * from './rows/index.js';
export * from './otlp.js';
