/**
 * CPU of online anomaly detection (OnlineAnomalyDetector.observe, what the ingest listener runs per
 * accepted event) per 1,000 events of the ingest benchmarks' batch (bench/ingest-records.ts), no model
 * and no baselines yet, as in bench/http.ts and bench/ingest-cpu.ts. Process CPU time, so it can be
 * compared between two checkouts run one after the other on a busy machine.
 *
 *   npx tsx bench/online-cpu.ts [--batches 50] [--rounds 3]
 */
import { randomUUID } from 'node:crypto';
import { OnlineAnomalyDetector, RecentRuns, emptyBaselines } from '../src/anomaly/index.js';
import { decodeBatch } from '../src/ingest/index.js';
import { ingestRecord } from './ingest-records.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : String(process.argv[i + 1]);
};
const measured = Number(arg('batches', '50'));
const rounds = Number(arg('rounds', '3'));
const WARM_UP = 10;

const values = Array.from({ length: 1000 }, (_, i) => ingestRecord(i));
// 20 ms apart, as bench/ingest-cpu.ts advances its clock per batch.
const batches = Array.from(
  { length: WARM_UP + measured },
  (_, b) => decodeBatch(values, { receivedAt: 1_767_225_600_000 + b * 20, newId: randomUUID }).events,
);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const out: string[] = [];
for (let round = 0; round < rounds; round++) {
  const baselines = emptyBaselines();
  const detector = new OnlineAnomalyDetector({
    newId: randomUUID,
    current: () => ({ model: null, baselines }),
    recent: new RecentRuns(),
  });
  for (const events of batches.slice(0, WARM_UP)) for (const e of events) detector.observe(e);
  const c0 = cpuMs();
  for (const events of batches.slice(WARM_UP)) for (const e of events) detector.observe(e);
  out.push(((cpuMs() - c0) / measured).toFixed(2));
}
console.log(`online anomaly detection: ${out.join(', ')} ms CPU per 1,000 events (rounds)`);
