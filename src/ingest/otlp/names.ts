/**
 * OTLP metric names → the engine's metric names. Names the engine knows pass through (dots read as
 * underscores); OpenTelemetry's utilisation ratios become percentages; durations become latency_ms.
 */
const ENGINE_NAMES = new Set([
  'cpu_percent',
  'memory_percent',
  'throughput_per_minute',
  'latency_ms',
  'data_volume_mb',
]);

/** The engine's name for an OTLP metric, and the factor its values are multiplied by. */
export function engineMetric(name: string, unit: string): { name: string; factor: number } {
  const norm = name.replace(/[^a-zA-Z0-9_]/g, '_').toLowerCase();
  if (ENGINE_NAMES.has(norm)) return { name: norm, factor: 1 };
  const ratio = unit === '1' || unit === '';
  if (/(^|_)cpu_(utilization|usage)$/.test(norm)) return { name: 'cpu_percent', factor: ratio ? 100 : 1 };
  if (/(^|_)memory_(utilization|usage)$/.test(norm) && (ratio || unit === '%'))
    return { name: 'memory_percent', factor: ratio ? 100 : 1 };
  if (/(^|_)(duration|latency)$/.test(norm) && (unit === 'ms' || unit === 's'))
    return { name: 'latency_ms', factor: unit === 's' ? 1000 : 1 };
  return { name: norm, factor: 1 };
}
