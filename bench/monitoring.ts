/**
 * Monitoring engine benchmark: events/s on one core, snapshot latency with 10k pipelines, resident
 * memory per pipeline and per windowed event.
 *
 *   npx tsx --expose-gc bench/monitoring.ts [--events N] [--pipelines N] [--snapshot-pipelines N]
 *     [--events-per-pipeline N] [--samples N]
 *
 * Prefix `taskset -c 0` to pin it to one core. Rates are given per wall second and per CPU second of the
 * whole process (GC threads included), because the second stays honest on a shared machine.
 * Results go in docs/BENCHMARKS.md, "Monitoring engine".
 */
import { performance } from 'node:perf_hooks';
import type { TelemetryEvent } from '../src/domain/index.js';
import { MonitoringEngine } from '../src/monitoring/index.js';
import { execution, log, metric, stage, T0 } from '../src/monitoring/testing.js';
import { FakeClock, SeededRng, type Rng } from '../src/shared/index.js';

const HOUR = 3_600_000;
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const gc = (globalThis as { gc?: () => void }).gc;
const fullGc = (): void => {
  gc?.();
  gc?.();
};

/**
 * One execution as the sources report it, 8 events: running then completed (one record), three stages,
 * two metric samples and a log line; 5% fail with a message carrying variable parts.
 */
function runEvents(rng: Rng, pipeline: string, run: number, at: number): TelemetryEvent[] {
  const failed = rng.next() < 0.05;
  const common = { pipeline_id: pipeline, execution_id: `${pipeline}-r${run}` };
  const duration = 60 + rng.int(60);
  const startedAt = at - duration * 1000;
  const message = failed ? `timeout after ${rng.int(90)}s on 10.0.${rng.int(255)}.${rng.int(255)}` : null;
  const stages = ['extract', 'transform', 'load'].map((stage_name, i) =>
    stage({
      ...common,
      stage_name,
      event_time: at - (2 - i) * 1000,
      status: failed && i === 2 ? 'failed' : 'completed',
      duration_seconds: duration / 3,
      retry_count: rng.next() < 0.1 ? 1 : 0,
      error_message: failed && i === 2 ? message : null,
    }),
  );
  return [
    execution({ ...common, status: 'running', event_time: startedAt, started_at: startedAt }),
    ...stages,
    metric({ ...common, name: 'cpu_percent', value: 20 + rng.int(60), event_time: at - 500 }),
    metric({ ...common, name: 'memory_percent', value: 30 + rng.int(50), event_time: at - 400 }),
    log({
      ...common,
      level: failed ? 'ERROR' : 'INFO',
      message: message ?? `run ${run} ok`,
      event_time: at - 100,
    }),
    execution({
      ...common,
      status: failed ? 'failed' : 'completed',
      event_time: at,
      started_at: startedAt,
      completed_at: at,
      duration_seconds: duration,
      retry_count: rng.next() < 0.1 ? 1 : 0,
      throughput_per_minute: 80 + rng.int(40),
      latency_ms: 150 + rng.int(100),
      cpu_percent: 20 + rng.int(60),
      memory_percent: 30 + rng.int(50),
      error_message: message,
    }),
  ];
}

// Written by the key-flattening loop, so the loop has an effect the JIT must keep.
let _keySink = 0;

interface Rate {
  wall: number;
  cpu: number;
}

function applyAll(engine: MonitoringEngine, clock: FakeClock, batch: TelemetryEvent[]): void {
  for (let i = 0; i < batch.length; i++) {
    const e = batch[i];
    if (e.event_time > clock.now()) clock.set(e.event_time);
    engine.apply(e);
  }
}

/** The workload: runs 80 ms apart over `pipelines` (the 60 min window then holds ~360k events). */
function* batches(total: number, pipelines: number, size: number): Generator<TelemetryEvent[]> {
  const rng = new SeededRng(1);
  let at = T0;
  let run = 0;
  for (let done = 0; done < total;) {
    const batch: TelemetryEvent[] = [];
    while (batch.length < size && done + batch.length < total) {
      at += 80;
      for (const e of runEvents(rng, `p${rng.int(pipelines)}`, run++, at)) batch.push(e);
    }
    done += batch.length;
    yield batch;
  }
}

/**
 * Events/s of `engine.apply` over `total` events; the stream spans several windows, so eviction into
 * the previous-window history and out again is included. `oldSpace`: the whole stream is built first,
 * its keys read once (a template-literal key is flattened by its first reader, in the service the
 * journal) and a full GC moves it to the old generation: the engine's own cost. Otherwise each batch of
 * 100k is built just before it is applied: what a decoder → engine path pays, including the GC work
 * of promoting the events the window keeps and collecting those it drops.
 */
function throughput(total: number, pipelines: number, oldSpace: boolean): Rate {
  const clock = new FakeClock(T0);
  const engine = new MonitoringEngine({ windowMs: HOUR, maxEventsPerPipeline: 5000, clock });
  const source = oldSpace ? [[...batches(total, pipelines, total)][0]] : batches(total, pipelines, 100_000);
  let wallMs = 0;
  let cpuUs = 0;
  for (const batch of source) {
    if (oldSpace) {
      for (const e of batch) _keySink ^= e.key.charCodeAt(e.key.length - 1);
      fullGc();
    }
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    applyAll(engine, clock, batch);
    wallMs += performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpuUs += c.user + c.system;
  }
  return { wall: total / (wallMs / 1000), cpu: total / (cpuUs / 1e6) };
}

function memory(): { heap: number; rss: number } {
  fullGc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

/** A fleet of `pipelines` with ~`perPipeline` live events each: snapshot latency and memory. */
function fleet(pipelines: number, perPipeline: number, samples: number) {
  const clock = new FakeClock(T0 + 3 * HOUR);
  const before = memory();
  const engine = new MonitoringEngine({ windowMs: HOUR, maxEventsPerPipeline: 5000, clock });
  // Known pipelines with nothing in either window: one record older than both each.
  for (let p = 0; p < pipelines; p++) engine.apply(execution({ pipeline_id: `p${p}`, event_time: T0 }));
  const known = memory();
  const rng = new SeededRng(2);
  const runs = Math.ceil(perPipeline / 8);
  for (let r = 0; r < runs; r++) {
    const at = T0 + 2 * HOUR + 120_000 + Math.round((r / runs) * (HOUR - 120_000));
    const batch: TelemetryEvent[] = [];
    for (let p = 0; p < pipelines; p++) for (const e of runEvents(rng, `p${p}`, r, at)) batch.push(e);
    applyAll(engine, clock, batch);
  }
  clock.set(T0 + 3 * HOUR);
  const windowed = engine.stats().windowedEvents;
  const filled = memory();
  const computed: number[] = [];
  const computedCpu: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < samples; i++) {
    const id = `p${rng.int(pipelines)}`;
    // A new sample invalidates the pipeline's cached snapshot, so the next one is computed in full.
    engine.apply(metric({ pipeline_id: id, name: 'latency_ms', value: 200, event_time: clock.now() - i }));
    const c0 = process.cpuUsage();
    let t0 = performance.now();
    engine.snapshot(id);
    computed.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    computedCpu.push((c.user + c.system) / 1000);
    t0 = performance.now();
    engine.snapshot(id);
    cached.push(performance.now() - t0);
  }
  const t0 = performance.now();
  engine.list({ limit: 50, offset: 0 });
  const listMs = performance.now() - t0;
  return {
    computed,
    computedCpu,
    cached,
    listMs,
    windowed,
    perPipeline: { heap: (known.heap - before.heap) / pipelines, rss: (known.rss - before.rss) / pipelines },
    perEvent: { heap: (filled.heap - known.heap) / windowed, rss: (filled.rss - known.rss) / windowed },
  };
}

const events = arg('events', 2_000_000);
const pipelines = arg('pipelines', 1000);
const snapshotPipelines = arg('snapshot-pipelines', 10_000);
const perPipeline = arg('events-per-pipeline', 200);
const samples = arg('samples', 10_000);
if (gc === undefined) console.warn('run with --expose-gc: the old-space rate and memory figures need it');

throughput(200_000, pipelines, true); // warm-up: lets the JIT settle
const oldSpace = throughput(events, pipelines, true);
const fresh = throughput(events, pipelines, false);
const f = fleet(snapshotPipelines, perPipeline, samples);

const n = (x: number): string => Math.round(x).toLocaleString('en');
const us = (ms: number): string => `${(ms * 1000).toFixed(0)} µs`;
const rate = (r: Rate): string => `${n(r.cpu)} events/s per CPU-second (${n(r.wall)} per wall second)`;
const rows: [string, string][] = [
  [`apply, ${n(events)} mixed events over ${n(pipelines)} pipelines, built beforehand`, rate(oldSpace)],
  [`apply, same stream built in batches of 100k just before (GC included)`, rate(fresh)],
  [
    `snapshot p50 / p99 / max, computed (${n(snapshotPipelines)} pipelines, ${n(f.windowed / snapshotPipelines)} live events each)`,
    `${us(quantile(f.computed, 0.5))} / ${us(quantile(f.computed, 0.99))} / ${us(Math.max(...f.computed))}`,
  ],
  [
    'snapshot CPU time p50 / p99, computed',
    `${us(quantile(f.computedCpu, 0.5))} / ${us(quantile(f.computedCpu, 0.99))}`,
  ],
  ['snapshot p50 / p99, cached', `${us(quantile(f.cached, 0.5))} / ${us(quantile(f.cached, 0.99))}`],
  [
    `list, all ${n(snapshotPipelines)} pipelines (${n(samples)} of them just changed)`,
    `${f.listMs.toFixed(0)} ms`,
  ],
  [
    'memory per known pipeline, empty window',
    `${n(f.perPipeline.heap)} B heap (${n(f.perPipeline.rss)} B rss)`,
  ],
  [
    'memory per windowed event, the event object included',
    `${n(f.perEvent.heap)} B heap (${n(f.perEvent.rss)} B rss)`,
  ],
];
console.log(
  `node ${process.version} ${process.platform}/${process.arch}; load average ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log('| measure | result |\n|---|---|');
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
