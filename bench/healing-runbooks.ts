// Which shipped runbook decides for which demo fault, and how long after the fault starts: the demo
// fleet's events through the monitoring engine (error patterns named by the log signatures), then
// planDecisions on each pipeline's context every minute. Nothing is executed, so a fault runs its
// whole course; a decision outside any episode (plus a 60 min tail, the window) counts as spurious.
//
//   npx tsx bench/healing-runbooks.ts [--pipelines 12] [--hours 48] [--seed 7]
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createFleet, FAULT_KINDS, type FaultEpisode } from '../src/demo/index.js';
import type { TelemetryEvent } from '../src/domain/index.js';
import {
  kpisFromSnapshot,
  parseRunbookText,
  planDecisions,
  signaturesFromPatterns,
  type HealingContext,
} from '../src/healing/index.js';
import { classifyError } from '../src/logs/index.js';
import { MonitoringEngine, normalizeErrorMessage } from '../src/monitoring/index.js';
import { FakeClock } from '../src/shared/index.js';

const { values } = parseArgs({
  options: {
    pipelines: { type: 'string', default: '12' },
    hours: { type: 'string', default: '48' },
    seed: { type: 'string', default: '7' },
  },
});
const MIN = 60_000;
const HOUR = 60 * MIN;
const START = Date.UTC(2026, 0, 5);
const WARMUP = 2 * HOUR;
const dir = fileURLToPath(new URL('../runbooks/', import.meta.url));
const runbooks = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => parseRunbookText(readFileSync(join(dir, f), 'utf8'), f));

const clock = new FakeClock(START);
const engine = new MonitoringEngine({
  windowMs: HOUR,
  maxEventsPerPipeline: 50_000,
  clock,
  errorPatterns: {
    keyOf: (m) => normalizeErrorMessage(m),
    describe: (k) => ({ template_id: k, pattern: k, signature: classifyError(k).signature }),
    epoch: () => 0,
  },
});

const fleet = createFleet({
  seed: Number(values.seed),
  pipelines: Number(values.pipelines),
  startMs: START,
  faults: FAULT_KINDS,
  emit: 'events',
});
const seen = new Set<string>();
const lastFailure = new Map<string, { stage: string | null; execution: string | null }>();
/** Each pipeline's latest finished run statuses (last 2) and latest run start, as the loop's run tracker keeps them. */
const recent = new Map<string, { finished: string[]; lastStart: number }>();

function observe(e: TelemetryEvent): void {
  engine.apply(e);
  seen.add(e.pipeline_id);
  if (e.kind === 'execution') {
    const r = recent.get(e.pipeline_id) ?? { finished: [], lastStart: -Infinity };
    r.lastStart = Math.max(r.lastStart, e.started_at ?? e.event_time);
    if (e.status === 'completed' || e.status === 'failed') r.finished = [...r.finished, e.status].slice(-2);
    recent.set(e.pipeline_id, r);
  }
  if (e.kind === 'stage' && e.status === 'failed')
    lastFailure.set(e.pipeline_id, { stage: e.stage_name, execution: e.execution_id });
  else if (e.kind === 'execution' && e.status === 'failed') {
    const prev = lastFailure.get(e.pipeline_id);
    lastFailure.set(e.pipeline_id, { stage: prev?.stage ?? null, execution: e.execution_id });
  }
}

function recentOf(pipelineId: string, now: number): { idle_minutes?: number; recent_failed_runs?: number } {
  const r = recent.get(pipelineId);
  if (r === undefined) return {};
  return {
    idle_minutes: Math.max(0, (now - r.lastStart) / MIN),
    ...(r.finished.length > 0 ? { recent_failed_runs: r.finished.filter((x) => x === 'failed').length } : {}),
  };
}

function contextOf(pipelineId: string, now: number): HealingContext | null {
  const snapshot = engine.snapshot(pipelineId);
  if (snapshot === undefined) return null;
  const failure = lastFailure.get(pipelineId);
  // The pipeline as the orchestrator's API shows it (what the service's catalog holds).
  const view = fleet.pipeline(pipelineId);
  return {
    pipeline: {
      id: pipelineId,
      name: view.name,
      is_active: view.is_active,
      is_critical: view.tags.includes('critical'),
      tags: view.tags,
      timeout_seconds: view.timeout_seconds,
      version: view.version,
      stages: view.stages.map((st) => ({ id: st.id, name: st.name, is_critical: st.critical })),
      ...recentOf(pipelineId, now),
    },
    trigger: { kind: 'tick', id: String(now), at: now },
    snapshot: kpisFromSnapshot(snapshot),
    anomaly: null,
    prediction: null,
    incident: null,
    signatures: signaturesFromPatterns(snapshot.signals.dominant_error_patterns),
    failing_stage: failure?.stage ?? null,
    execution_id: failure?.execution ?? null,
  };
}

const end = START + Number(values.hours) * HOUR;
const firstDecision = new Map<string, { at: number; runbook: string; actions: string }>();
let spurious = 0;
const spuriousBy = new Map<string, number>();
let ticks = 0;
for (let t = START + MIN; t <= end; t += MIN) {
  for (const e of fleet.advanceTo(t).events) observe(e);
  clock.set(t);
  if (t < START + WARMUP) continue;
  const episodes = fleet.episodes();
  for (const pipelineId of seen) {
    const ctx = contextOf(pipelineId, t);
    if (ctx === null) continue;
    ticks++;
    const [d] = planDecisions(runbooks, ctx);
    if (d === undefined) continue;
    const active = episodes.filter(
      (ep) => ep.pipeline_id === pipelineId && ep.start <= t && t <= ep.end + HOUR,
    );
    if (active.length === 0) {
      spurious++;
      spuriousBy.set(d.runbook, (spuriousBy.get(d.runbook) ?? 0) + 1);
    }
    for (const ep of active)
      if (!firstDecision.has(ep.fault_id)) {
        firstDecision.set(ep.fault_id, {
          at: t,
          runbook: d.runbook,
          actions: d.actions.map((a) => a.spec.action).join('+') || 'escalate',
        });
      }
  }
}

interface KindRow {
  episodes: FaultEpisode[];
  delays: number[];
  runbooks: Map<string, number>;
}
const byKind = new Map<string, KindRow>();
for (const ep of fleet.episodes().filter((e) => e.start >= START + WARMUP && e.end <= end)) {
  const row: KindRow = byKind.get(ep.fault) ?? { episodes: [], delays: [], runbooks: new Map() };
  row.episodes.push(ep);
  const d = firstDecision.get(ep.fault_id);
  if (d !== undefined) {
    row.delays.push((d.at - ep.start) / MIN);
    const label = `${d.runbook} (${d.actions})`;
    row.runbooks.set(label, (row.runbooks.get(label) ?? 0) + 1);
  }
  byKind.set(ep.fault, row);
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)];
};
console.log(
  `node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log('| fault | episodes | decided | median minutes to decision | runbooks (actions) |');
console.log('|---|---|---|---|---|');
for (const [kind, row] of [...byKind].sort()) {
  const books = [...row.runbooks]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ×${n}`)
    .join('; ');
  console.log(
    `| ${kind} | ${row.episodes.length} | ${row.delays.length} | ${median(row.delays).toFixed(0)} | ${books || '—'} |`,
  );
}
const by = [...spuriousBy].map(([k, n]) => `${k} ${n}`).join(', ');
console.log(
  `spurious decisions: ${spurious} of ${ticks} pipeline-minutes outside any episode window${by ? ` (${by})` : ''}`,
);
