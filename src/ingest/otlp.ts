/** Pure mapping of OTLP/HTTP JSON metrics into metric events (the `POST /v1/metrics` endpoint's core). */
export {
  decodeOtlpMetrics,
  type OtlpAttributeNames,
  type OtlpContext,
  type OtlpDecoded,
} from './otlp/decode.js';
export { engineMetric } from './otlp/names.js';
