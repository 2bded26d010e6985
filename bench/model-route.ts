// Cost of ModelRegistry.route (which version serves a pipeline, which score beside it) as a
// prediction pays it: from the in-memory table, one await per call, 10k pipelines, full + canary +
// two shadows. Also the cost of the refresh a request pays once per --model-route-refresh-ms.
// Run: npx tsx bench/model-route.ts
import { performance } from 'node:perf_hooks';
import { ModelRegistry, type ModelDraft } from '../src/registry/index.js';
import { MemoryModelStore } from '../test/helpers/memory-model-store.js';

const draft = (tag: string): ModelDraft => ({
  kind: 'prediction',
  artifact: JSON.stringify({ tag, trees: 'x'.repeat(200_000) }),
  training_window: null,
  contamination: null,
  feature_names: [],
  metrics: {},
});

const store = new MemoryModelStore();
const registry = new ModelRegistry(store, { now: () => Date.now() }, { routeRefreshMs: 3_600_000 });
await registry.registerFull(draft('full'));
const canary = await registry.registerShadow(draft('canary'));
await registry.registerShadow(draft('s1'));
await registry.registerShadow(draft('s2'));
await registry.promote(canary.model_version, { to: 'canary', share: 0.2 });

const pipelines = Array.from({ length: 10_000 }, (_, i) => `pipeline-${i}`);
const calls = 1_000_000;
const lat = new Float64Array(calls);
for (let i = 0; i < 50_000; i++) await registry.route('prediction', pipelines[i % pipelines.length]);
const t0 = performance.now();
for (let i = 0; i < calls; i++) {
  const s = performance.now();
  await registry.route('prediction', pipelines[i % pipelines.length]);
  lat[i] = performance.now() - s;
}
const total = performance.now() - t0;
lat.sort();
const q = (p: number) => (lat[Math.min(calls - 1, Math.floor(p * calls))] * 1000).toFixed(2);
console.log(
  JSON.stringify({
    calls,
    mean_us: ((total / calls) * 1000).toFixed(3),
    p50_us: q(0.5),
    p99_us: q(0.99),
    p999_us: q(0.999),
    max_us: q(1 - 1e-9),
  }),
);
