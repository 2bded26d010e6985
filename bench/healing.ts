// Self-healing benchmark: the demo fleet with fault injection over simulated time, the real loop
// (runbooks, guards, the FlexiRoaster executor over HTTP against the fleet's control API and the
// webhook executor against the demo's infrastructure hook, verification), once acting and once with
// the kill switch on (same seed: the same faults). Reports, per fault type, the time to recovery
// (fault start → the pipeline runs healthy again, judged on its runs: src/demo/recovery.ts) and the
// failed runs meanwhile, with and without the loop, and the actions taken.
//
//   npx tsx bench/healing.ts [--seed 7] [--pipelines 8] [--hours 12] [--fault-rate 0.25] [--step-minutes 1]
//     [--approve]   (an operator approves every approval request at the next tick)
//     [--trace]     (every action on stderr: minutes into its episode, runbook, status, reason)
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import {
  FlexiRoasterExecutor,
  SqlAnomalyStore,
  SqlTemplateStore,
  WebhookExecutor,
  openStore,
} from '../src/adapters/index.js';
import { LogMiningService } from '../src/app/log-mining.js';
import { composeHealing } from '../src/compose-healing.js';
import {
  createFleet,
  demoControlApi,
  episodeRecoveries,
  type DemoFleet,
  type EpisodeRecovery,
  type FaultEpisode,
  type FinishedRun,
} from '../src/demo/index.js';
import { SHIPPED_RUNBOOKS, loadRunbooks } from '../src/healing-options.js';
import { MonitoringEngine } from '../src/monitoring/index.js';
import type { PipelineCatalog, PipelineInfo } from '../src/ports/index.js';
import { FakeClock } from '../src/shared/index.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '7' },
    pipelines: { type: 'string', default: '8' },
    hours: { type: 'string', default: '12' },
    'step-minutes': { type: 'string', default: '1' },
    'fault-rate': { type: 'string', default: '0.25' },
    approve: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
  },
});
const MIN = 60_000;
const START = Date.UTC(2026, 0, 5);
const say = (s: string) => process.stderr.write(`${s}\n`);

/** The catalog as the change consumer fills it from the fleet's rows. */
function fleetCatalog(fleet: DemoFleet): PipelineCatalog {
  const info = (id: string): PipelineInfo => {
    const p = fleet.pipeline(id);
    return {
      pipeline_id: p.id,
      name: p.name,
      version: p.version,
      definition: p.definition,
      schedule_cron: p.schedule_cron,
      timeout_seconds: p.timeout_seconds,
      is_active: p.is_active,
      tags: p.tags,
      first_seen_at: START,
    };
  };
  return {
    getPipeline: async (id) => info(id),
    listVersions: async () => [],
    previousVersion: async (id) => {
      const p = fleet.pipeline(id);
      const prev = p.versions.filter((v) => v.version < p.version).at(-1);
      return prev === undefined
        ? null
        : {
            ...info(id),
            version: prev.version,
            definition: prev.definition,
            timeout_seconds: prev.timeout_seconds,
          };
    },
  };
}

interface ActionSeen {
  action: string;
  status: string;
  pipeline_id: string;
  created_at: number;
  runbook: string | null;
  reason: string | null;
}

interface RunResult {
  episodes: FaultEpisode[];
  recoveries: Map<string, EpisodeRecovery>;
  actions: ActionSeen[];
  wallSeconds: number;
}

async function run(acting: boolean): Promise<RunResult> {
  const t0 = Date.now();
  const clock = new FakeClock(START);
  const fleet = createFleet({
    seed: Number(values.seed),
    pipelines: Number(values.pipelines),
    startMs: START,
    faultRate: Number(values['fault-rate']),
    emit: 'events',
  });
  const control = Fastify();
  await control.register(demoControlApi, { prefix: '/api', fleet });
  const base = await control.listen({ host: '127.0.0.1', port: 0 });
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-healing-'));
  const store = await openStore({ dataDir, inMemory: true, clock });
  // Error patterns named by the log miner's templates and signatures, as in serve.
  const mining = await LogMiningService.open({
    store: new SqlTemplateStore(store.sql),
    clock,
    windowMs: 60 * MIN,
  });
  const engine = new MonitoringEngine({
    windowMs: 60 * MIN,
    maxEventsPerPipeline: 5000,
    clock,
    errorPatterns: mining.namer,
  });
  const healing = await composeHealing({
    sql: store.sql,
    clock,
    newId: randomUUID,
    engine,
    catalog: fleetCatalog(fleet),
    incidents: new SqlAnomalyStore(store.sql),
    options: {
      runbooks: await loadRunbooks(SHIPPED_RUNBOOKS),
      runbookSource: SHIPPED_RUNBOOKS,
      guards: { defaultMode: 'live' },
      killSwitchFlag: !acting,
      executors: (catalog) => [
        new FlexiRoasterExecutor({ baseUrl: `${base}/api`, catalog }),
        new WebhookExecutor({ url: `${base}/api/hooks/healing`, secret: null, clock }),
      ],
      intervalMs: MIN,
      service: { verifyDeadlineMs: 30 * MIN },
      owner: 'bench',
    },
    onError: (err, what) => say(`${what}: ${err.message}`),
  });
  const step = Number(values['step-minutes']) * MIN;
  const end = START + Number(values.hours) * 60 * MIN;
  const runs: FinishedRun[] = [];
  for (let t = START + step; t <= end; t += step) {
    const { events } = fleet.advanceTo(t);
    for (const e of events)
      if (e.kind === 'execution' && e.status !== 'running' && e.started_at !== null)
        runs.push({
          pipeline_id: e.pipeline_id,
          started_at: e.started_at,
          finished_at: e.completed_at ?? e.event_time,
          status: e.status === 'completed' ? 'completed' : e.status === 'failed' ? 'failed' : 'cancelled',
          stage_failures: e.stage_failures,
          duration_seconds: e.duration_seconds,
        });
    clock.set(t);
    const accepted = events.map((event) => ({ event, decision: engine.apply(event) }));
    mining.onAccepted(accepted);
    healing.service.onAccepted(accepted);
    await healing.service.tick();
    if (values.approve)
      for (const a of (await healing.admin.listApprovals({ limit: 1000, offset: 0, status: 'pending' }))
        .items)
        await healing.admin.approve(a.id, 'bench operator');
  }
  const actions = (await healing.admin.listActions({ limit: 1000, offset: 0 })).items.map((a) => ({
    action: a.action,
    status: a.status,
    pipeline_id: a.pipeline_id,
    created_at: a.created_at,
    runbook: a.runbook,
    reason: a.reason,
  }));
  await healing.service.stop();
  await control.close();
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
  const episodes = fleet.episodes().filter((e) => e.end <= end);
  const recoveries = new Map(episodeRecoveries(fleet.episodes(), runs, end).map((r) => [r.fault_id, r]));
  return {
    episodes,
    recoveries,
    actions,
    wallSeconds: (Date.now() - t0) / 1000,
  };
}

const mean = (v: number[]) => (v.length === 0 ? NaN : v.reduce((a, b) => a + b, 0) / v.length);
const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');

say(
  `load before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const off = await run(false);
const on = await run(true);
const kinds = [...new Set(on.episodes.map((e) => e.fault))].sort();
/** The episode an action belongs to: the latest of its pipeline that started at or before it. */
function episodeOf(a: ActionSeen): FaultEpisode | undefined {
  return on.episodes
    .filter((e) => e.pipeline_id === a.pipeline_id && e.start <= a.created_at)
    .sort((x, y) => y.start - x.start)[0];
}
const lines = [
  '| fault | episodes (impacted) | MTTR without loop (min) | MTTR with loop (min) | not recovered without / with | failed runs without | failed runs with | actions executed (per episode) | succeeded | failed | unsupported | actions |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const kind of kinds) {
  const eps = on.episodes.filter((e) => e.fault === kind);
  // Episodes that did harm without the loop; the loop is judged on the same ones.
  const hit = eps.filter((e) => off.recoveries.get(e.fault_id)?.impacted === true);
  const ttr = (r: RunResult) =>
    mean(hit.map((e) => (r.recoveries.get(e.fault_id)?.time_to_recover_ms ?? 0) / MIN));
  const unrecovered = (r: RunResult) =>
    hit.filter((e) => r.recoveries.get(e.fault_id)?.recovered_at === null).length;
  const failedRuns = (r: RunResult) =>
    eps.reduce((s, e) => s + (r.recoveries.get(e.fault_id)?.failed_runs ?? 0), 0);
  const during = on.actions.filter((a) => episodeOf(a)?.fault === kind);
  const count = (s: string) => during.filter((a) => a.status === s).length;
  const kindsOf = new Map<string, number>();
  for (const a of during) kindsOf.set(a.action, (kindsOf.get(a.action) ?? 0) + 1);
  const named = [...kindsOf]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  lines.push(
    `| ${kind} | ${eps.length} (${hit.length}) | ${f1(ttr(off))} | ${f1(ttr(on))} | ${unrecovered(off)} / ${unrecovered(on)} | ${failedRuns(off)} | ${failedRuns(on)} | ${during.length} (${f1(during.length / Math.max(1, eps.length))}) | ${count('succeeded')} | ${count('failed')} | ${count('unsupported')} | ${named || '—'} |`,
  );
}
if (values.trace)
  for (const a of [...on.actions].sort((x, y) => x.created_at - y.created_at)) {
    const e = episodeOf(a);
    const into = e === undefined ? '–' : `${e.fault} +${((a.created_at - e.start) / MIN).toFixed(0)}m`;
    say(`${a.pipeline_id.slice(0, 8)} ${into} ${a.runbook} ${a.action} ${a.status}: ${a.reason ?? ''}`);
  }
const outside = on.actions.filter((a) => episodeOf(a) === undefined).length;
const byAction = new Map<string, number>();
for (const a of on.actions)
  byAction.set(`${a.action} ${a.status}`, (byAction.get(`${a.action} ${a.status}`) ?? 0) + 1);
console.log(lines.join('\n'));
console.log(
  `\nall actions: ${[...byAction].map(([k, n]) => `${k} ${n}`).join(', ')}; before any episode: ${outside}`,
);
console.log(
  `wall: ${off.wallSeconds.toFixed(0)} s without, ${on.wallSeconds.toFixed(0)} s with; load after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
