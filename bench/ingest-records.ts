/** The ingest benchmarks' record `i` in the original backend's body (bench/http.ts, bench/ingest-cpu.ts). */
export const ingestRecord = (i: number) => ({
  pipeline_id: `bench-${i % 200}`,
  status: i % 20 === 0 ? 'failed' : 'completed',
  duration_seconds: 30 + (i % 50),
  retry_count: i % 7 === 0 ? 1 : 0,
  throughput_per_minute: 100 + (i % 13),
  latency_ms: 200 + (i % 17),
  cpu_percent: 40 + (i % 30),
  memory_percent: 50 + (i % 20),
  error_message: i % 20 === 0 ? `timeout after ${i % 90}s` : null,
});
