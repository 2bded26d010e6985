// CPU time of two GBDT settings fitted alternately in one Node process on one prepared set of
// bench/gbdt.ts, so both see the same machine load: A, B, A, B, … after warm-up fits of each.
// Prints the median and the fastest fit of each, in CPU ms (process.cpuUsage), and their ratio.
//
//   npx tsx bench/gbdt_ab.ts --a '{"min_child_weight":0.001}' --b '{}' [--set synthetic] [--fits 14] [--warmup 2]
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { labelledData, readCsvFile } from '../src/cli/csv.js';
import { trainGbdt } from '../src/ml/gbdt/index.js';
import { SeededRng } from '../src/shared/index.js';
import { prepareCibuild, prepareSynthetic } from './gbdt_data.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(here, '../../shared/datasets/failures/dl_cibuild') },
    out: { type: 'string', default: resolve(here, 'out/gbdt') },
    set: { type: 'string', default: 'synthetic' },
    a: { type: 'string', default: '{}' },
    b: { type: 'string', default: '{}' },
    fits: { type: 'string', default: '14' },
    warmup: { type: 'string', default: '2' },
  },
});
const BASE = { num_leaves: 31, n_estimators: 100, learning_rate: 0.1, max_bins: 255 };
const settings = [values.a, values.b].map((s) => ({
  ...BASE,
  ...(JSON.parse(s) as Record<string, unknown>),
}));

mkdirSync(values.out, { recursive: true });
const set =
  values.set === 'synthetic'
    ? prepareSynthetic(values.out)
    : prepareCibuild(resolve(values.data, `${values.set}.csv`), values.out);
const train = labelledData(await readCsvFile(set.train), set.label);
const fit = (params: Record<string, unknown>): number => {
  const c0 = process.cpuUsage();
  trainGbdt({ x: train.x, y: train.y }, { rng: new SeededRng(0), params });
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
for (let i = 0; i < Number(values.warmup); i++) settings.forEach(fit);
const times: number[][] = [[], []];
for (let i = 0; i < Number(values.fits); i++) settings.forEach((p, k) => times[k].push(fit(p)));
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const [a, b] = times;
process.stdout.write(
  `${set.name}, ${values.fits} fits each after ${values.warmup} warm-up fits, CPU ms: ` +
    `A ${values.a} median ${median(a).toFixed(0)} (min ${Math.min(...a).toFixed(0)}), ` +
    `B ${values.b} median ${median(b).toFixed(0)} (min ${Math.min(...b).toFixed(0)}); ` +
    `B / A ${(median(b) / median(a)).toFixed(2)} (medians), ${(Math.min(...b) / Math.min(...a)).toFixed(2)} (min)\n`,
);
