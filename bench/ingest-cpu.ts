/**
 * CPU per 1,000-event batch through the real HTTP app in-process (app.inject: Fastify, JSON parse,
 * decode, journal with fdatasync, monitoring engine, every ingest listener) over PGlite or a server.
 * On a shared machine wall-clock rates move with the load; main-thread CPU time per batch (from
 * /proc, the PGlite worker excluded) is what to compare between two trees. Each pass also prints
 * how many events the database took meanwhile (the flush's rate while the main thread is busy).
 *
 *   npx tsx bench/ingest-cpu.ts [--batches 150] [--passes 3] [--database-url postgres://…]
 */
import { readFileSync } from 'node:fs';
import { FakeClock } from '../src/shared/index.js';
import { startTestApp } from '../test/helpers/app.js';
import { ingestRecord } from './ingest-records.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : String(process.argv[i + 1]);
};
const batches = Number(arg('batches', '150'));
const passes = Number(arg('passes', '3'));
const databaseUrl = arg('database-url', '') || undefined;

const record = ingestRecord;
const body = JSON.stringify(Array.from({ length: 1000 }, (_, i) => record(i)));
const clock = new FakeClock(Date.now());
const t = await startTestApp({ clock, databaseUrl, maxPendingEvents: 10_000_000 });

/** CPU ticks (1/100 s) of this process's main thread. */
function mainThreadMs(): number {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Posts `n` batches from 8 concurrent callers (as wrk -c8 does); every one must be accepted. */
async function post(n: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < n) {
      next++;
      clock.advance(20);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/monitoring/ingest',
        headers: { 'content-type': 'application/json' },
        payload: body,
      });
      if (res.statusCode !== 200) throw new Error(`batch answered ${res.statusCode}: ${res.body}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
}

await post(30); // warm-up
for (let pass = 0; pass < passes; pass++) {
  const main0 = mainThreadMs();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const flushed0 = t.store.events.stats().flushedEvents;
  await post(batches);
  const flushed = t.store.events.stats().flushedEvents - flushed0;
  const main = mainThreadMs() - main0;
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - wall0;
  console.log(
    `pass ${pass}: main thread ${(main / batches).toFixed(1)} ms CPU/batch, whole process ` +
      `${((cpu.user + cpu.system) / 1000 / batches).toFixed(1)} ms, wall ${(wall / batches).toFixed(1)} ms; ` +
      `database took ${Math.round(flushed / (wall / 1000))} events/s ` +
      `(${t.store.events.health().pendingEvents} events waiting for it)`,
  );
}
await t.close();
