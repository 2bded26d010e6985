// The anomaly service's benchmarks: (1) the labelled demo workload — precision, recall and
// time-to-detect per injected fault type, untrained (statistics + rules) and trained (hybrid);
// (2) multivariate AUC of the hybrid score vs plain Isolation Forest on the outlier data sets;
// (3) online cost per event; (4) detect latency through HTTP at ~2k requests/s (wrk).
//
//   npx tsx bench/anomaly.ts [--part demo|auc|online|http|all] [--seed 7] [--pipelines 6]
//     [--history-hours 24] [--eval-hours 48] [--data DIR] [--rate 2000] [--seconds 15]
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { openStore } from '../src/adapters/index.js';
import {
  FEATURE_NAMES,
  OnlineAnomalyDetector,
  RunFeatureTracker,
  buildBaselines,
  featureStats,
  rawScore,
  recordFeatures,
  trainAnomalyModel,
  type AnomalyEntry,
  type BaselineSet,
  type VersionedModel,
} from '../src/anomaly/index.js';
import { labelledData, readCsvFile } from '../src/cli/csv.js';
import { composeCore } from '../src/compose.js';
import { createFleet, FAULT_KINDS, type FaultEpisode, type FaultKind } from '../src/demo/index.js';
import type { TelemetryEvent } from '../src/domain/index.js';
import { buildApp } from '../src/http/index.js';
import { IsolationForest } from '../src/ml/iforest/index.js';
import { rocAuc } from '../src/ml/metrics/index.js';
import { SeededRng } from '../src/shared/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values } = parseArgs({
  options: {
    part: { type: 'string', default: 'all' },
    seed: { type: 'string', default: '7' },
    pipelines: { type: 'string', default: '6' },
    'history-hours': { type: 'string', default: '24' },
    'eval-hours': { type: 'string', default: '48' },
    data: { type: 'string', default: resolve(here, '../../shared/datasets/outlier') },
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '15' },
  },
});
const part = values.part;
const HOUR = 3_600_000;
const START = Date.UTC(2026, 0, 5);
const say = (s: string) => process.stderr.write(`${s}\n`);

/** The fleet's events in time order, history then evaluation, with its fault episodes. */
function simulate(faults: readonly FaultKind[]) {
  const fleet = createFleet({
    seed: Number(values.seed),
    pipelines: Number(values.pipelines),
    startMs: START,
    faults,
    emit: 'events',
  });
  const split = START + Number(values['history-hours']) * HOUR;
  const history = fleet.advanceTo(split).events;
  const evaluation = fleet.advanceTo(split + Number(values['eval-hours']) * HOUR).events;
  const episodes = fleet.episodes().filter((e) => e.start >= split);
  return { history, evaluation, episodes };
}

/** Baselines and a model from the history, as the service trains from its store. */
function learn(history: readonly TelemetryEvent[]): { model: VersionedModel; baselines: BaselineSet } {
  const tracker = new RunFeatureTracker();
  const rows: { pipeline_id: string; features: Float64Array }[] = [];
  for (const e of history) {
    const r = tracker.observe(e);
    if (r !== null) rows.push({ pipeline_id: e.pipeline_id, features: recordFeatures(r) });
  }
  const baselines = buildBaselines(rows, START);
  const model = trainAnomalyModel(
    rows.map((r) => r.features),
    new SeededRng(42),
    { baselineOf: (i) => baselines.pipelines.get(rows[i].pipeline_id) ?? null },
  );
  return { model: { model, version: 'bench' }, baselines };
}

interface Outcome {
  anomalies: AnomalyEntry[];
  cpuNsPerEvent: number;
}

function runOnline(
  events: readonly TelemetryEvent[],
  current: { model: VersionedModel | null; baselines: BaselineSet },
  history: readonly TelemetryEvent[],
): Outcome {
  let n = 0;
  const d = new OnlineAnomalyDetector({ newId: () => `a${++n}`, current: () => current });
  // As the service does at start: the history warms the online state (streams, stage norms, miner).
  for (const e of history) d.warm(e);
  const anomalies: AnomalyEntry[] = [];
  const t0 = process.cpuUsage();
  for (const e of events) anomalies.push(...d.observe(e).anomalies);
  const used = process.cpuUsage(t0);
  return { anomalies, cpuNsPerEvent: ((used.user + used.system) * 1000) / events.length };
}

interface Score {
  episodes: number;
  detected: number;
  anomalies: number;
  truePositives: number;
  ttdMinutes: number[];
  incidents: number;
  trueIncidents: number;
}

function score(anomalies: readonly AnomalyEntry[], episodes: readonly FaultEpisode[]): Score {
  const first = new Map<string, number>();
  let tp = 0;
  for (const a of anomalies) {
    const id = a.labels?.fault_id ?? null;
    if (id === null) continue;
    tp++;
    if (!first.has(id) || (first.get(id) as number) > a.detected_at) first.set(id, a.detected_at);
  }
  const incidents = new Map<string, boolean>();
  for (const a of anomalies) {
    incidents.set(a.incident_id, (incidents.get(a.incident_id) ?? false) || a.labels?.fault_id != null);
  }
  const ttd = episodes
    .filter((e) => first.has(e.fault_id))
    .map((e) => ((first.get(e.fault_id) as number) - e.start) / 60_000);
  return {
    episodes: episodes.length,
    detected: ttd.length,
    anomalies: anomalies.length,
    truePositives: tp,
    ttdMinutes: ttd,
    incidents: incidents.size,
    trueIncidents: [...incidents.values()].filter(Boolean).length,
  };
}

const median = (v: number[]) => {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (a: number, b: number) => (b === 0 ? '–' : `${((100 * a) / b).toFixed(0)}%`);
const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');

const row = (fault: string, name: string, s: Score) =>
  `| ${fault} | ${s.episodes} | ${name} | ${pct(s.detected, s.episodes)} | ${pct(s.truePositives, s.anomalies)} | ${pct(s.trueIncidents, s.incidents)} | ${f1(median(s.ttdMinutes))} | ${s.truePositives} / ${s.anomalies} | ${s.trueIncidents} / ${s.incidents} |`;

const add = (t: Score, s: Score): Score => ({
  episodes: t.episodes + s.episodes,
  detected: t.detected + s.detected,
  anomalies: t.anomalies + s.anomalies,
  truePositives: t.truePositives + s.truePositives,
  ttdMinutes: [...t.ttdMinutes, ...s.ttdMinutes],
  incidents: t.incidents + s.incidents,
  trueIncidents: t.trueIncidents + s.trueIncidents,
});

function demoPart(): void {
  say('demo workload: one fleet per fault type…');
  console.log(
    `\n### Demo workload (seed ${values.seed}, ${values.pipelines} pipelines, ${values['history-hours']} h history, ${values['eval-hours']} h evaluated)\n`,
  );
  console.log(
    '| fault | episodes | detector | recall | precision (anomalies) | precision (incidents) | median TTD (min) | anomalies in a fault / all | incidents with a fault / all |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  const totals = new Map<string, Score>();
  for (const fault of FAULT_KINDS) {
    const sim = simulate([fault]);
    const learned = learn(sim.history);
    for (const [name, current] of [
      ['statistics + rules (untrained)', { model: null, baselines: learned.baselines }],
      ['hybrid (trained)', learned],
    ] as const) {
      const s = score(runOnline(sim.evaluation, current, sim.history).anomalies, sim.episodes);
      const t = totals.get(name);
      totals.set(name, t === undefined ? s : add(t, s));
      console.log(row(fault, name, s));
    }
  }
  for (const [name, s] of totals) console.log(row('**all**', name, s));
  // Which features the history showed a daily pattern for (the per-pipeline seasonal baselines).
  const seasonal = new Map<string, number>();
  const learnt = learn(simulate(FAULT_KINDS).history).baselines;
  for (const b of learnt.pipelines.values())
    b.seasons?.forEach((season, f) => {
      if (season !== null) seasonal.set(FEATURE_NAMES[f], (seasonal.get(FEATURE_NAMES[f]) ?? 0) + 1);
    });
  console.log(
    `\nTime-of-day baselines found in the history (pipelines of ${learnt.pipelines.size}, all fault kinds): ${
      [...seasonal].map(([n, k]) => `${n} ${k}`).join(', ') || 'none'
    }`,
  );
  // Alert rate on runs without a fault, with every fault kind in the fleet (the calibration check).
  const sim = simulate(FAULT_KINDS);
  const learned = learn(sim.evaluation.length > 0 ? sim.history : []);
  const runs = sim.evaluation.filter(
    (e) => e.kind === 'execution' && e.status !== 'running' && e.labels?.fault === null,
  );
  const out = runOnline(sim.evaluation, learned, sim.history).anomalies.filter(
    (a) => a.kind === 'execution' && a.labels?.fault === null,
  );
  console.log(
    `\nAlert rate on fault-free finished runs (all fault kinds in the fleet, trained, contamination 0.05): ${out.length} / ${runs.length} = ${pct(out.length, runs.length)}`,
  );
}

async function aucPart(): Promise<void> {
  say('multivariate AUC…');
  console.log(
    '\n### Multivariate AUC (unsupervised, fit on all rows, 100 trees, ψ = 256, mean of 5 seeds)\n',
  );
  console.log('| data set | rows | Isolation Forest | hybrid (forest + max z) | z only |');
  console.log('|---|---|---|---|---|');
  const files = (await readdir(values.data)).filter((f) => f.endsWith('.csv') && !f.startsWith('adbench'));
  for (const file of files.sort()) {
    const data = labelledData(await readCsvFile(join(values.data, file)), 'label');
    const { x, y } = data;
    const stats = Array.from({ length: x.cols }, (_, c) => {
      const col = Array.from({ length: x.rows }, (_, r) => x.data[r * x.cols + c]);
      return featureStats(col);
    });
    const maxZ = new Float64Array(x.rows);
    for (let r = 0; r < x.rows; r++) {
      let m = 0;
      stats.forEach((s, c) => {
        const center = s.skewed ? s.median : s.mean;
        const spread = Math.max(s.skewed ? 1.4826 * s.mad : s.std, 1e-9 * (Math.abs(center) + 1));
        m = Math.max(m, Math.abs((x.data[r * x.cols + c] - center) / spread));
      });
      maxZ[r] = m;
    }
    let aucF = 0;
    let aucH = 0;
    const seeds = 5;
    for (let seed = 1; seed <= seeds; seed++) {
      const forest = IsolationForest.fit(x, new SeededRng(seed), { n_estimators: 100, max_samples: 256 });
      const s = forest.scoreSamples(x);
      aucF += rocAuc(
        y,
        s.map((v) => -v),
      );
      aucH += rocAuc(
        y,
        s.map((v, r) => rawScore(-v, maxZ[r])),
      );
    }
    const aucZ = rocAuc(y, maxZ);
    console.log(
      `| ${basename(file, '.csv')} | ${x.rows} | ${(aucF / seeds).toFixed(3)} | ${(aucH / seeds).toFixed(3)} | ${aucZ.toFixed(3)} |`,
    );
  }
}

function onlinePart(): void {
  say('online cost…');
  const sim = simulate(FAULT_KINDS);
  const learned = learn(sim.history);
  let best = Infinity;
  for (let i = 0; i < 3; i++)
    best = Math.min(best, runOnline(sim.evaluation, learned, sim.history).cpuNsPerEvent);
  const kinds: Record<string, number> = {};
  for (const e of sim.evaluation) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
  console.log(
    `\nOnline cost: ${best.toFixed(0)} ns CPU per ingested event (best of 3 over ${sim.evaluation.length} demo events: ${JSON.stringify(kinds)}; trained model)`,
  );
}

async function httpPart(): Promise<void> {
  say('HTTP detect latency…');
  const dir = await mkdtemp(join(tmpdir(), 'bench-anomaly-'));
  const store = await openStore({ dataDir: dir, inMemory: true });
  const clock = { now: () => Date.now() };
  const core = await composeCore({
    store,
    clock,
    windowMs: HOUR,
    maxEventsPerPipeline: 5000,
    newId: randomUUID,
  });
  const anomaly = core.anomaly;
  const app = await buildApp(
    { ...core.services, status: () => ({}) },
    { apiKeys: [], bodyLimitBytes: 1 << 20, logger: false, version: 'bench' },
  );
  const normal = (i: number) => ({
    duration_seconds: 25 + (i % 10),
    data_volume_mb: 200 + (i % 10),
    cpu_percent: 45 + (i % 10),
    memory_percent: 40 + (i % 10),
  });
  await anomaly.train(Array.from({ length: 500 }, (_, i) => normal(i)));
  const payload = { ...normal(3), failure_count_1h: 2, retry_count: 1, stage_errors: ['timeout', 'oom'] };
  let best = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < 20_000; i++) anomaly.detect(payload);
    const used = process.cpuUsage(t0);
    best = Math.min(best, (used.user + used.system) / 20_000);
  }
  console.log(
    `\nDetect in process (parse + features + forest + z + rules + reasons): ${best.toFixed(1)} µs CPU per call (best of 3 × 20,000)`,
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const body = JSON.stringify({
    ...normal(3),
    failure_count_1h: 2,
    retry_count: 1,
    stage_errors: ['timeout', 'oom'],
  });
  // wrk has no rate limit; each connection waits `delay` ms between requests: rate ≈ conns × 1000 / delay.
  const conns = 20;
  const delayMs = (conns * 1000) / Number(values.rate);
  const script = join(dir, 'detect.lua');
  await writeFile(
    script,
    `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\nwrk.headers["Content-Type"] = "application/json"\nfunction delay() return ${delayMs} end\n`,
  );
  const noop = join(dir, 'noop.lua');
  await writeFile(noop, `function delay() return ${delayMs} end\n`);
  const wrk = async (label: string, lua: string, path: string) => {
    const { stdout } = await promisify(execFile)('wrk', [
      '-t2',
      `-c${conns}`,
      `-d${values.seconds}s`,
      '--latency',
      '-s',
      lua,
      `http://127.0.0.1:${port}${path}`,
    ]);
    console.log(
      `\n${label} (wrk -t2 -c${conns}, ${delayMs} ms between requests per connection, ${values.seconds} s; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores):\n\n\`\`\`\n${stdout.trim()}\n\`\`\``,
    );
  };
  try {
    await wrk('Detect through HTTP', script, '/api/ai/anomaly/detect');
    // The same load on a route that does nothing: what the machine and the HTTP stack cost alone.
    await wrk('For comparison, GET /healthz', noop, '/healthz');
  } finally {
    await app.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (part === 'demo' || part === 'all') demoPart();
if (part === 'auc' || part === 'all') await aucPart();
if (part === 'online' || part === 'all') onlinePart();
if (part === 'http' || part === 'all') await httpPart();
