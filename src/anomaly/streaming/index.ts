// Streaming single-series anomaly detection: online, constant memory per series. Pure.
export { StreamingDetector, scoreSeries } from './detector.js';
export { STREAMING_PARAMS, resolveStreamingOptions, type StreamingOptions } from './params.js';
export { ALERT_LEVEL } from './episode.js';
