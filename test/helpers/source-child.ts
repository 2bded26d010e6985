/**
 * Child process of the change-consumer crash tests: opens the store (STORE_DATA_DIR,
 * STORE_DATABASE_URL), runs the consumer (SOURCE_URL, SOURCE_MODE, SOURCE_SLOT) until killed or sent
 * SIGTERM, and prints `MODE m`, `REJECT table field`, `HEALTH json` and `HEAP bytes` lines on stdout. With
 * SOURCE_STALL_AFTER=n the sink never returns once n events have gone in (a store that stopped); with
 * SOURCE_SINK_DELAY_MS=ms each batch waits that long first (a slow store).
 */
import { randomUUID } from 'node:crypto';
import { openStore } from '../../src/adapters/index.js';
import { openSourceClient, createSourceConsumer, type SourceMode } from '../../src/adapters/source/index.js';
import { IngestService } from '../../src/app/index.js';
import { parseCriticalTypes } from '../../src/ingest/index.js';

const env = process.env;
const clock = { now: () => Date.now() };
const store = await openStore({
  dataDir: env.STORE_DATA_DIR ?? '',
  databaseUrl: env.STORE_DATABASE_URL || null,
  groupCommitMs: 1,
});
const ingest = new IngestService({
  store: store.events,
  live: { apply: () => 'new' },
  clock,
  newId: randomUUID,
});
const stallAfter = Number(env.SOURCE_STALL_AFTER ?? Infinity);
const sinkDelayMs = Number(env.SOURCE_SINK_DELAY_MS ?? 0);
let taken = 0;
const source = openSourceClient(env.SOURCE_URL ?? '');
const consumer = createSourceConsumer({
  name: 'flexiroaster',
  mode: (env.SOURCE_MODE ?? 'auto') as SourceMode,
  source,
  connectionString: env.SOURCE_URL ?? '',
  schema: 'public',
  store: store.sql,
  sink: async (events) => {
    if (taken >= stallAfter) await new Promise(() => undefined);
    if (sinkDelayMs > 0) await new Promise((r) => setTimeout(r, sinkDelayMs));
    taken += events.length;
    return ingest.ingestEvents(events);
  },
  clock,
  pollIntervalMs: Number(env.SOURCE_POLL_MS ?? 200),
  criticalTypes: parseCriticalTypes('input,transform,output'),
  random: () => 0.5,
  batchSize: Number(env.SOURCE_BATCH ?? 500),
  slot: env.SOURCE_SLOT,
  onModeChosen: (mode) => process.stdout.write(`MODE ${mode}\n`),
  onReject: (r) => process.stdout.write(`REJECT ${r.table} ${r.field}\n`),
  onError: (err) => process.stderr.write(`source error: ${err.message}\n`),
});
consumer.start();
const timer = setInterval(() => {
  process.stdout.write(`HEALTH ${JSON.stringify(consumer.health())}\n`);
  process.stdout.write(`HEAP ${process.memoryUsage().heapUsed}\n`);
}, 200);
process.once('SIGTERM', () => {
  clearInterval(timer);
  void consumer
    .stop()
    .then(() => source.close())
    .then(() => store.close())
    .then(() => process.exit(0));
});
