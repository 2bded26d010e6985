/**
 * NAB benchmark of the streaming detector. (a) Checks the scorer: Windowed Gaussian's published per-row
 * outputs, scored at its published threshold 1.0, must reproduce the Score, TP, FP and FN of every file
 * in its published `*_scores.csv` that is present here. (b) Scores our detector (one configuration,
 * threshold optimised per profile) next to Windowed Gaussian and the null detector rescored on the same
 * files. (c) Measures the online cost per point and the state held per series.
 *
 *   npx tsx bench/nab.ts [--nab ../shared/datasets/nab] [--passes 3]
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { StreamingDetector } from '../src/anomaly/streaming/index.js';
import { parseCsv } from '../src/cli/csv.js';
import { readNabCorpus, runEvalNab, type NabEvalOutput } from '../src/cli/eval-nab.js';

const PROFILES = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const;
// Published full-corpus standard / low FP / low FN scores (NAB scoreboard), for reference only.
const PUBLISHED: Array<[string, number, number, number]> = [
  ['ARTime', 74.9, 65.1, 80.4],
  ['Numenta HTM', 70.5, 62.6, 75.2],
  ['CAD OSE', 69.9, 67.0, 73.2],
  ['Windowed Gaussian', 39.6, 20.9, 47.4],
];

const { values: args } = parseArgs({
  options: {
    nab: { type: 'string', default: '../shared/datasets/nab' },
    passes: { type: 'string', default: '3' },
  },
});
const nab = args.nab as string;
const passes = Number(args.passes);
const labels = join(nab, 'labels/combined_windows.json');
const profiles = join(nab, 'config/profiles.json');
const score = (dir: string, fixedThreshold?: number): Promise<NabEvalOutput> =>
  runEvalNab({ scoreDir: join(nab, 'results', dir), labels, profiles, fixedThreshold });

// (a) The scorer against Windowed Gaussian's published per-file rows.
const atOne = await score('windowedGaussian', 1.0);
let checked = 0;
const mismatches: string[] = [];
for (const profile of PROFILES) {
  const text = await readFile(
    join(nab, `results/windowedGaussian/windowedGaussian_${profile}_scores.csv`),
    'utf8',
  );
  const table = parseCsv(text);
  const col = (name: string): number => table.header.indexOf(name);
  for (const r of table.records) {
    const ours = atOne.per_file.find((p) => p.file === r[col('File')] && p.profile === profile);
    if (ours === undefined) continue; // a file of the full corpus that is not present here
    checked++;
    const same =
      Math.abs(ours.score - Number(r[col('Score')])) < 1e-6 &&
      ours.tp === Number(r[col('TP')]) &&
      ours.fp === Number(r[col('FP')]) &&
      ours.fn === Number(r[col('FN')]);
    if (!same)
      mismatches.push(`${profile} ${ours.file}: ours ${JSON.stringify(ours)} vs published ${r.join(',')}`);
  }
}

// (b) Detectors on the same files.
const ours = await runEvalNab({ corpus: join(nab, 'data'), labels, profiles });
const gaussian = await score('windowedGaussian');
const nullDetector = await score('null');

// (c) Online cost: every series through a fresh detector, best of `passes` timed passes. CPU time of
// this process is reported next to wall time, because other work on a shared machine inflates the latter.
const corpus = await readNabCorpus(join(nab, 'data'));
const points = corpus.reduce((n, s) => n + s.values.length, 0);
let bestWallNs = Infinity;
let bestCpuNs = Infinity;
let stateBytes = 0;
for (let pass = 0; pass <= passes; pass++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (const s of corpus) {
    const detector = new StreamingDetector();
    for (let i = 0; i < s.values.length; i++) detector.update(s.values[i]);
    stateBytes = detector.stateBytes;
  }
  const cpu = process.cpuUsage(c0);
  if (pass === 0) continue; // warms the JIT up
  bestWallNs = Math.min(bestWallNs, ((performance.now() - t0) * 1e6) / points);
  bestCpuNs = Math.min(bestCpuNs, ((cpu.user + cpu.system) * 1e3) / points);
}

const f1 = (x: unknown): string => (typeof x === 'number' ? x.toFixed(1) : String(x));
const row = (name: string, r: NabEvalOutput, note: string): string =>
  `| ${name} | ${PROFILES.map((p) => f1(r[p])).join(' | ')} | ${PROFILES.map((p) => r.thresholds[p].toPrecision(4)).join(' / ')} | ${note} |`;
const lines = [
  `Scorer check: ${checked} published per-file rows of Windowed Gaussian (${atOne.files} files × 3 profiles), ` +
    `${mismatches.length === 0 ? 'all match (Score within 1e-6, TP, FP, FN equal)' : `${mismatches.length} mismatches`}.`,
  ...mismatches.map((m) => `- ${m}`),
  '',
  `| detector (${ours.files} files, ${ours.windows} windows) | standard | low FP | low FN | thresholds | note |`,
  '|---|---|---|---|---|---|',
  row('**FlexiRoaster streaming**', ours, 'one configuration, threshold optimised per profile'),
  row('Windowed Gaussian (rescored)', gaussian, 'published outputs, threshold optimised here'),
  row('Windowed Gaussian (at 1.0)', atOne, 'published outputs at its published threshold'),
  row('Null (rescored)', nullDetector, 'sanity: must be 0'),
  ...PUBLISHED.map(
    ([name, s, fp, fn]) => `| ${name} (published, full corpus) | ${s} | ${fp} | ${fn} | | reference |`,
  ),
  '',
  `Online cost: ${Math.round(bestCpuNs).toLocaleString('en-US')} ns/point CPU, ${Math.round(bestWallNs).toLocaleString('en-US')} ns/point wall ` +
    `(${points.toLocaleString('en-US')} points, ` +
    `best of ${passes} passes, one core); state ${stateBytes.toLocaleString('en-US')} bytes per series, whatever its length.`,
];
process.stdout.write(`${lines.join('\n')}\n`);
