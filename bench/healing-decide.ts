// Cost of the healing decision core: runbook parsing, planDecisions over the shipped runbooks, and
// Guards.evaluate per action, on seeded synthetic contexts (a quarter of them failing in some way).
//
//   npx tsx bench/healing-decide.ts [--pipelines 2000] [--rounds 20] [--seed 7]
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  Guards,
  parseRunbookText,
  planDecisions,
  type HealingContext,
  type Runbook,
} from '../src/healing/index.js';
import { makeContext } from '../src/healing/testing.js';
import { SeededRng, type Rng } from '../src/shared/index.js';

const { values } = parseArgs({
  options: {
    pipelines: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '20' },
    seed: { type: 'string', default: '7' },
  },
});
const pipelines = Number(values.pipelines);
const rounds = Number(values.rounds);
const rng = new SeededRng(Number(values.seed));
const dir = fileURLToPath(new URL('../runbooks/', import.meta.url));
const SIGNATURES = ['timeout', 'connection', 'schema_mismatch', 'out_of_memory', 'auth_failure', 'unknown'];

function context(i: number, r: Rng): HealingContext {
  const sick = r.next() < 0.25;
  return makeContext(
    {
      trigger: { kind: 'tick', id: `t${i}`, at: 0 },
      kpis: {
        failure_rate: sick ? 0.2 + r.next() * 0.6 : r.next() * 0.1,
        retry_frequency: sick ? r.next() * 3 : 0,
        latency_spike: sick && r.next() < 0.3,
        throughput_drop: sick && r.next() < 0.3,
        avg_cpu_percent: 30 + r.next() * 70,
        duration_change_percent: sick ? r.next() * 200 : 0,
      },
      signatures: sick ? [{ signature: SIGNATURES[r.int(SIGNATURES.length)], count: 1 + r.int(8) }] : [],
      failing_stage: sick ? ['extract', 'transform', 'load'][r.int(3)] : null,
      execution_id: sick ? `e${i}` : null,
    },
    `p${i}`,
  );
}

const t0 = performance.now();
let runbooks: Runbook[] = [];
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
for (let k = 0; k < 100; k++)
  runbooks = files.map((f) => parseRunbookText(readFileSync(join(dir, f), 'utf8'), f));
const parseMs = (performance.now() - t0) / 100;

const contexts = Array.from({ length: pipelines }, (_, i) => context(i, rng));
let decisions = 0;
const t1 = performance.now();
for (let k = 0; k < rounds; k++) for (const c of contexts) decisions += planDecisions(runbooks, c).length;
const planUs = ((performance.now() - t1) * 1000) / (rounds * pipelines);

const actions = contexts.flatMap((c) => planDecisions(runbooks, c).flatMap((d) => d.actions));
const verdicts: Record<string, number> = {};
const t2 = performance.now();
for (let k = 0; k < rounds; k++) {
  const guards = new Guards({ defaultMode: 'live', fleetCap: 50 });
  for (const a of actions) {
    const v = guards.evaluate(a, k * 1000).verdict;
    if (k === 0) verdicts[v] = (verdicts[v] ?? 0) + 1;
  }
}
const guardUs = ((performance.now() - t2) * 1000) / (rounds * Math.max(1, actions.length));

console.log(
  `node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(`runbooks: ${runbooks.length} parsed from YAML in ${parseMs.toFixed(2)} ms (all files)`);
console.log(
  `planDecisions: ${pipelines} contexts × ${rounds} rounds, ${(decisions / rounds).toFixed(0)} decisions per round, ${planUs.toFixed(2)} µs per context`,
);
console.log(
  `Guards.evaluate: ${actions.length} actions per round, ${guardUs.toFixed(2)} µs per action; verdicts ${JSON.stringify(verdicts)}`,
);
