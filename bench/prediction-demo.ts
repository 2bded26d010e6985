// Failure prediction on the demo fleet, through the service's own feature, training and scoring code:
// (1) train on the first stretch of simulated time, then score every run of a later, held-back stretch
//     at its start (run start) and `lead` minutes before it (preflight): ROC-AUC, PR-AUC, Precision@10,
//     Brier, against the heuristic; duration forecast error (MAE, MAPE) against the window mean;
// (2) predict latency through HTTP at a fixed offered request rate (wrk, paced by a per-thread schedule),
//     with the event-loop delay and the process CPU per request, and GET /healthz under the same load.
//
//   npx tsx bench/prediction-demo.ts [--part demo|http|all] [--seed 7] [--pipelines 12]
//     [--train-hours 96] [--eval-hours 48] [--lead-minutes 5] [--rate 2000] [--seconds 15] [--connections 20]
//     [--gc-marks] [--stalls 10]
//
// --gc-marks prints a `GC-MARK start|end <label>` line on stdout around each HTTP run, so a log of
// `node --trace-gc-nvp --import tsx bench/prediction-demo.ts --part http --gc-marks` can be tallied
// per run by bench/gc-trace-tally.mjs (bytes surviving each young collection, pauses).
//
// --stalls N (Linux) lists each gap of more than N ms between the ticks of a 1 ms timer during the
// HTTP runs, with what every party did over the gap (from /proc, schedstat in ns, /proc/stat in 10 ms
// ticks): the main thread's time running and waiting for a core, the process's other threads (the
// PGlite worker, V8's helpers), wrk, and the whole machine's busy time (2 cores: 2 ms per ms).
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import { openStore } from '../src/adapters/index.js';
import { RunHistory } from '../src/app/index.js';
import { composeCore } from '../src/compose.js';
import { createFleet, type PipelineView } from '../src/demo/index.js';
import { buildApp } from '../src/http/index.js';
import { averagePrecision, brierScore, precisionAtK, rocAuc } from '../src/ml/index.js';
import {
  PREDICTION_FEATURES,
  featureVector,
  featuresAt,
  forecastDuration,
  scoreHeuristic,
  scoreWithModel,
  trainDurationModel,
  trainFailureModel,
  trainingFeatures,
  versionedFailureModel,
  type PastRun,
  type RunContext,
} from '../src/prediction/index.js';
import { SeededRng } from '../src/shared/index.js';

const { values } = parseArgs({
  options: {
    part: { type: 'string', default: 'all' },
    seed: { type: 'string', default: '7' },
    pipelines: { type: 'string', default: '12' },
    'train-hours': { type: 'string', default: '96' },
    'eval-hours': { type: 'string', default: '48' },
    'lead-minutes': { type: 'string', default: '5' },
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '20' },
    'gc-marks': { type: 'boolean', default: false },
    stalls: { type: 'string' },
  },
});
const HOUR = 3_600_000;
const START = Date.UTC(2026, 0, 5);
const say = (s: string) => process.stderr.write(`${s}\n`);
const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');

function contextOf(p: PipelineView, time: number, trigger: RunContext['trigger_type']): RunContext {
  return {
    time,
    trigger_type: trigger,
    stages: p.stages.map((s) => ({ name: s.name, is_critical: s.critical })),
    versionTimes: p.versions.map((v) => Date.parse(v.created_at)),
  };
}

function metrics(y: number[], p: number[]) {
  return {
    auc: rocAuc(y, p),
    prAuc: averagePrecision(y, p),
    p10: precisionAtK(y, p, 10),
    brier: brierScore(y, p),
  };
}

function demoPart(): void {
  const fleet = createFleet({
    seed: Number(values.seed),
    pipelines: Number(values.pipelines),
    startMs: START,
    emit: 'events',
  });
  const split = START + Number(values['train-hours']) * HOUR;
  const end = split + Number(values['eval-hours']) * HOUR;
  const leadMs = Number(values['lead-minutes']) * 60_000;
  say('simulating…');
  const events = [...fleet.advanceTo(split).events, ...fleet.advanceTo(end).events];
  const views = new Map(fleet.pipelines().map((p) => [p.id, p]));
  const history = new RunHistory({ keepMs: Infinity, maxRunsPerPipeline: Infinity });
  for (const e of events) history.observe(e);

  // Training rows: runs that started and finished in the first stretch, each as of its own start.
  const trainRows: { time: number; features: Float64Array; label: 0 | 1 }[] = [];
  const durationRows: { features: Record<string, number>; duration_seconds: number; time: number }[] = [];
  for (const id of history.pipelines()) {
    const view = views.get(id) as PipelineView;
    const seen = history.of(id).filter((r) => r.completed_at < split);
    for (const { run, point } of trainingFeatures(seen, (r) =>
      contextOf(view, r.started_at, r.trigger_type),
    )) {
      trainRows.push({
        time: run.started_at,
        features: featureVector(PREDICTION_FEATURES, point.features),
        label: run.failed ? 1 : 0,
      });
      if (!run.failed)
        durationRows.push({
          features: point.features,
          duration_seconds: run.duration_seconds,
          time: run.started_at,
        });
    }
  }
  trainRows.sort((a, b) => a.time - b.time);
  durationRows.sort((a, b) => a.time - b.time);
  say(`training on ${trainRows.length} runs…`);
  const t0 = performance.now();
  const model = trainFailureModel(trainRows, PREDICTION_FEATURES, { seed: 42 });
  const fitMs = performance.now() - t0;
  const duration = trainDurationModel(durationRows, PREDICTION_FEATURES, new SeededRng(42));
  const versioned = versionedFailureModel('bench', model);

  // Held-back stretch: every run that started after the split, scored at its start and `lead` before.
  const y: number[] = [];
  const start: number[] = [];
  const pre: number[] = [];
  const heur: number[] = [];
  const dur = { n: 0, abs: 0, pct: 0, baseAbs: 0, basePct: 0, baseN: 0 };
  for (const id of history.pipelines()) {
    const view = views.get(id) as PipelineView;
    const runs = history.of(id);
    for (const run of runs as PastRun[]) {
      if (run.started_at < split) continue;
      const atStart = featuresAt(runs, contextOf(view, run.started_at, run.trigger_type)).features;
      const before = featuresAt(runs, contextOf(view, run.started_at - leadMs, run.trigger_type)).features;
      y.push(run.failed ? 1 : 0);
      start.push(scoreWithModel(versioned, atStart).failure_probability);
      pre.push(scoreWithModel(versioned, before).failure_probability);
      heur.push(scoreHeuristic(atStart).failure_probability);
      if (!run.failed && run.duration_seconds > 0) {
        const f = forecastDuration(duration.model, atStart, view.timeout_seconds);
        dur.n++;
        dur.abs += Math.abs(f.expected_seconds - run.duration_seconds);
        dur.pct += Math.abs(f.expected_seconds - run.duration_seconds) / run.duration_seconds;
        const mean = atStart.avg_duration_seconds;
        if (Number.isFinite(mean)) {
          dur.baseN++;
          dur.baseAbs += Math.abs(mean - run.duration_seconds);
          dur.basePct += Math.abs(mean - run.duration_seconds) / run.duration_seconds;
        }
      }
    }
  }
  const rate = y.reduce((a, b) => a + b, 0) / y.length;
  console.log(
    `\n### Demo fleet (seed ${values.seed}, ${values.pipelines} pipelines, all fault kinds): trained on ${values['train-hours']} h, scored on the next ${values['eval-hours']} h\n`,
  );
  console.log(
    `Training: ${trainRows.length} runs (${model.training.train_samples} fit / ${model.training.calibration_samples} calibration / ${model.training.validation_samples} validation), ${model.training.trees} trees, calibration ${model.training.calibration}, fit ${fitMs.toFixed(0)} ms. Thresholds: alert ${f3(model.thresholds.alert.value ?? NaN)} (${model.thresholds.alert.rule}), act ${f3(model.thresholds.act.value ?? NaN)} (${model.thresholds.act.rule}).\n`,
  );
  console.log(
    `Held-back runs: ${y.length}, failure rate ${f3(rate)} (Brier of the base rate ${f3(rate * (1 - rate))}).\n`,
  );
  console.log('| scored | ROC-AUC | PR-AUC | Precision@10 | Brier |');
  console.log('|---|---|---|---|---|');
  for (const [name, p] of [
    ['GBDT at run start', start],
    [`GBDT preflight (${values['lead-minutes']} min before)`, pre],
    ['heuristic at run start', heur],
  ] as const) {
    const m = metrics(y, p);
    console.log(`| ${name} | ${f3(m.auc)} | ${f3(m.prAuc)} | ${f3(m.p10)} | ${f3(m.brier)} |`);
  }
  console.log(
    `\nDuration forecast on ${dur.n} successful held-back runs (validation in training: MAE ${duration.metrics.mae.toFixed(1)} s vs window mean ${duration.metrics.baseline_mae.toFixed(1)} s):\n`,
  );
  console.log('| forecast | MAE (s) | MAPE |');
  console.log('|---|---|---|');
  console.log(
    `| GBDT (log duration) | ${(dur.abs / dur.n).toFixed(1)} | ${((100 * dur.pct) / dur.n).toFixed(1)}% |`,
  );
  console.log(
    `| window mean (last 10 runs) | ${(dur.baseAbs / dur.baseN).toFixed(1)} | ${((100 * dur.basePct) / dur.baseN).toFixed(1)}% |`,
  );
}

/**
 * CPU time (µs) of the main thread alone (Linux: /proc, in clock ticks of 10 ms), so the process CPU
 * can be split between the event loop and the PGlite worker thread; NaN where /proc is not there.
 */
function mainThreadCpuUs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return NaN;
  }
}

/** CPU (ms) so far of the parties a stall is split between; see --stalls. */
function cpuParties() {
  const sched = (path: string) => {
    const [run, wait] = readFileSync(path, 'utf8').split(' ').map(Number);
    return { run: run / 1e6, wait: wait / 1e6 };
  };
  const main = sched(`/proc/self/task/${process.pid}/schedstat`);
  let threads = 0;
  for (const t of readdirSync('/proc/self/task'))
    if (t !== String(process.pid)) threads += sched(`/proc/self/task/${t}/schedstat`).run;
  let wrk = 0;
  for (const child of readFileSync(`/proc/self/task/${process.pid}/children`, 'utf8').split(' '))
    if (child.trim() !== '')
      for (const t of readdirSync(`/proc/${child}/task`))
        wrk += sched(`/proc/${child}/task/${t}/schedstat`).run;
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const machine = (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) * 10;
  return { mainRun: main.run, mainWait: main.wait, threads, wrk, machine };
}

/** Gaps of more than `overMs` between the ticks of a 1 ms timer, each with what every party used. */
function stallSampler(overMs: number) {
  const stalls: string[] = [];
  const from = performance.now();
  let last = from;
  let before = cpuParties();
  const timer = setInterval(() => {
    const now = performance.now();
    const after = cpuParties();
    if (now - last > overMs) {
      // A party whose threads ended (wrk at its end) has no meaningful difference: '–'.
      const d = (k: keyof typeof after) => (after[k] >= before[k] ? (after[k] - before[k]).toFixed(1) : '–');
      stalls.push(
        `at ${((last - from) / 1000).toFixed(2)} s: ${(now - last).toFixed(1)} ms; main thread ran ${d('mainRun')} ms, waited for a core ${d('mainWait')} ms; the process's other threads ran ${d('threads')} ms; wrk ${d('wrk')} ms; machine busy ${d('machine')} ms`,
      );
    }
    last = now;
    before = after;
  }, 1);
  return () => {
    clearInterval(timer);
    return stalls;
  };
}

/** wrk's numbers of one run: served rate, latency percentiles and the request count. */
function wrkSummary(stdout: string) {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? '?';
  const pct = (p: number) => new RegExp(`\\s${p}%\\s+([\\d.]+\\w+)`).exec(stdout)?.[1] ?? '?';
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? NaN);
  return { rps, p50: pct(50), p90: pct(90), p99: pct(99), requests };
}

/**
 * A wrk script that offers `rate` requests/s in all: each wrk thread keeps its own schedule (one slot
 * every threads/rate s) and each connection, once its answer is in, waits for the thread's next free
 * slot (none when behind). Without it, wrk's fixed delay() is added to each answer's latency, so a
 * closed loop of c connections offers less than c/delay.
 */
function pacedScript(rate: number, threads: number, request: string[]): string {
  return [
    'local ffi = require("ffi")',
    'ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } bench_ts; int clock_gettime(int, bench_ts *); ]]',
    'local ts = ffi.new("bench_ts")',
    'local function now_ms() ffi.C.clock_gettime(1, ts); return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6 end',
    `local interval = ${(threads * 1000) / rate}`,
    'local slot = nil',
    ...request,
    'function delay()',
    '  local now = now_ms()',
    '  if slot == nil or slot < now then slot = now end',
    '  slot = slot + interval',
    '  return math.floor(slot - now)',
    'end',
  ].join('\n');
}

async function httpPart(): Promise<void> {
  say('HTTP predict latency…');
  const dir = await mkdtemp(join(tmpdir(), 'bench-prediction-'));
  // PGlite on disk in a fresh folder, as the server runs it (its in-memory file system copies a
  // growing table file over and over, which costs the writer thread several times more CPU).
  const store = await openStore({ dataDir: dir });
  const core = await composeCore({
    store,
    clock: { now: () => Date.now() },
    windowMs: HOUR,
    maxEventsPerPipeline: 5000,
    newId: randomUUID,
    prediction: { retrainCron: null },
  });
  const app = await buildApp(
    { ...core.services, status: () => ({}) },
    { apiKeys: [], bodyLimitBytes: 1 << 20, logger: false, version: 'bench' },
  );
  // A real model: 2000 samples whose failure depends on the features non-linearly.
  const rng = new SeededRng(5);
  const samples = Array.from({ length: 2000 }, () => {
    const s = {
      historical_failure_rate: rng.next() * 0.6,
      recent_error_count: Math.floor(rng.next() * 8),
      stage_count: 2 + Math.floor(rng.next() * 8),
      critical_stage_count: 1 + Math.floor(rng.next() * 2),
      avg_cpu_percent: 20 + rng.next() * 80,
      avg_memory_percent: 20 + rng.next() * 80,
      retry_frequency: rng.next() * 3,
    };
    const risk = s.historical_failure_rate + (s.avg_cpu_percent > 85 ? 0.3 : 0) + 0.05 * s.recent_error_count;
    return { ...s, failed: rng.next() < risk };
  });
  const trained = await core.prediction.train(samples);
  // Every request a different run: the first 1000 samples' features (bodies cycle through them).
  const bodies = samples.slice(0, 1000).map(({ failed: _f, ...sample }) => ({
    ...sample,
    timeout_seconds: 900,
    stages: [
      { name: 'extract', retry_count: 2, historical_failure_rate: 0.4, is_critical: true },
      { name: 'validate', retry_count: 1, historical_failure_rate: 0.2, is_critical: false },
    ],
  }));
  // CPU of the whole process (the PGlite writer thread included): scoring alone, then with the
  // recording of those predictions finished.
  let best = Infinity;
  let bestRecorded = Infinity;
  let bestMain = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    const main0 = mainThreadCpuUs();
    const t0 = process.cpuUsage();
    for (let i = 0; i < 5000; i++) await core.prediction.predict(bodies[i % bodies.length]);
    const used = process.cpuUsage(t0);
    await core.prediction.flush();
    const recorded = process.cpuUsage(t0);
    const main = mainThreadCpuUs() - main0;
    best = Math.min(best, (used.user + used.system) / 5000);
    if ((recorded.user + recorded.system) / 5000 < bestRecorded) {
      bestRecorded = (recorded.user + recorded.system) / 5000;
      bestMain = main / 5000;
    }
  }
  console.log(
    `\nPredict in process (parse + route + GBDT ${trained.training.trees} trees + TreeSHAP + stage risks + duration forecast): ${best.toFixed(1)} µs CPU per call; ${bestRecorded.toFixed(1)} µs with its row written to the predictions table, ${bestMain.toFixed(0)} µs of it on the main thread (best of 3 × 5,000, 1000 different bodies; whole process, the PGlite thread included)`,
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const conns = Number(values.connections);
  const threads = 2;
  const rate = Number(values.rate);
  const script = join(dir, 'predict.lua');
  await writeFile(
    script,
    `${pacedScript(rate, threads, [
      `bodies = {${bodies.map((b) => JSON.stringify(JSON.stringify(b))).join(',\n')}}`,
      'counter = 0',
      'function request()',
      '  counter = counter + 1',
      '  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, bodies[counter % #bodies + 1])',
      'end',
    ])}\n`,
  );
  const noop = join(dir, 'noop.lua');
  await writeFile(noop, `${pacedScript(rate, threads, [])}\n`);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  // The main thread's garbage-collection pauses (young and full collections), picked by start time.
  const gcPauses: { start: number; ms: number }[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcPauses.push({ start: e.startTime, ms: e.duration });
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const wrk = async (label: string, lua: string, path: string) => {
    const before = loadavg()[0];
    const recordedBefore = core.prediction.recording();
    loop.reset();
    const gcFrom = performance.now();
    loop.enable();
    const cpu0 = process.cpuUsage();
    const main0 = mainThreadCpuUs();
    const stopSampler = values.stalls === undefined ? null : stallSampler(Number(values.stalls));
    if (values['gc-marks']) process.stdout.write(`GC-MARK start ${path}\n`);
    const { stdout } = await promisify(execFile)('wrk', [
      `-t${threads}`,
      `-c${conns}`,
      `-d${values.seconds}s`,
      '--latency',
      '-s',
      lua,
      `http://127.0.0.1:${port}${path}`,
    ]);
    if (values['gc-marks']) process.stdout.write(`GC-MARK end ${path}\n`);
    const stalls = stopSampler?.() ?? null;
    const cpu = process.cpuUsage(cpu0);
    const main = mainThreadCpuUs() - main0;
    loop.disable();
    const gcTo = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 50)); // the observer's entries arrive late
    const gc = gcPauses.filter((p) => p.start >= gcFrom && p.start < gcTo);
    const gcMs = gc.reduce((sum, p) => sum + p.ms, 0);
    const gcMax = gc.reduce((max, p) => Math.max(max, p.ms), 0);
    const w = wrkSummary(stdout);
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    const rec = core.prediction.recording();
    console.log(
      `\n${label} (wrk -t${threads} -c${conns}, paced to offer ${rate} requests/s, ${values.seconds} s; load average ${before.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after, ${cpus().length} cores):\n\n\`\`\`\n${stdout.trim()}\n\`\`\``,
    );
    console.log(
      `\n| ${label} | ${w.rps} req/s | p50 ${w.p50} | p90 ${w.p90} | p99 ${w.p99} | event-loop delay p99 ${ms(loop.percentile(99))} ms, max ${ms(loop.max)} ms | GC ${gc.length} pauses, ${gcMs.toFixed(0)} ms in all, max ${gcMax.toFixed(1)} ms | ${((cpu.user + cpu.system) / w.requests).toFixed(0)} µs process CPU per request, ${(main / w.requests).toFixed(0)} µs of it on the main thread | rows written ${rec.written - recordedBefore.written}, dropped ${rec.dropped - recordedBefore.dropped}, failed ${rec.failed - recordedBefore.failed} |`,
    );
    if (stalls !== null)
      console.log(
        `\nEvent-loop stalls over ${values.stalls} ms (${stalls.length}; GC pauses above for comparison):\n${stalls.map((l) => `- ${l}`).join('\n')}`,
      );
  };
  // Like the server (compose.ts): the prediction records are flushed every second.
  const flusher = setInterval(() => void core.prediction.flush(), 1000);
  try {
    await wrk(
      'Predict through HTTP (1000 different bodies; every request also recorded in the predictions table)',
      script,
      '/api/ai/prediction/predict',
    );
    await wrk('For comparison, GET /healthz', noop, '/healthz');
  } finally {
    clearInterval(flusher);
    gcObserver.disconnect();
    await app.close();
    await core.flush();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (values.part === 'demo' || values.part === 'all') demoPart();
if (values.part === 'http' || values.part === 'all') await httpPart();
