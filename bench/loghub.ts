/**
 * Loghub 2k benchmark of the log template miner: grouping accuracy and lines/s on 8 systems, next to
 * the published numbers of Drain (ICSE'19 table) and Brain (2023). One miner configuration for all;
 * the raw log is also mined through its Loghub header format as a check that both inputs agree.
 *
 *   npx tsx bench/loghub.ts [--data ../shared/datasets/loghub] [--passes 20]
 *
 * Speeds are lines per second of CPU time (user + system) of this process, so other load on a
 * shared machine does not count against them.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCsv } from '../src/cli/csv.js';
import { cpuMs, evaluateLogMining, readRawLog, readStructured } from '../src/cli/eval-logs.js';
import { TemplateMiner } from '../src/logs/index.js';

const SYSTEMS = ['HDFS', 'Hadoop', 'Spark', 'Zookeeper', 'BGL', 'Windows', 'Apache', 'OpenSSH'];
// Brain (Yu et al., 2023), grouping accuracy of its released results on Loghub 2k.
const BRAIN: Record<string, number> = {
  HDFS: 0.998,
  Hadoop: 0.949,
  Spark: 0.998,
  Zookeeper: 0.988,
  BGL: 0.986,
  Windows: 0.997,
  Apache: 1.0,
  OpenSSH: 1.0,
};

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/datasets/loghub' },
    passes: { type: 'string', default: '20' },
  },
});
const dataDir = values.data as string;
const passes = Number(values.passes);

const published = parseCsv(await readFile(join(dataDir, 'published_PA_icse19_logparser_docs.csv'), 'utf8'));
const drainRow = published.records.find((r) => r[0] === 'Drain');
if (drainRow === undefined) throw new Error('no Drain row in the published table');
const drain = (system: string): number => Number(drainRow[published.header.indexOf(system)]);
const settings = JSON.parse(await readFile(join(dataDir, 'drain_benchmark_settings.json'), 'utf8')) as {
  settings: Record<string, { log_format: string }>;
};

interface Row {
  system: string;
  ours: number;
  raw: number | null;
  whole: number | null;
  drain: number;
  brain: number;
  templates: number;
  linesPerS: number;
}

const rows: Row[] = [];
const everyLine: string[] = [];
let totalLines = 0;
let totalSeconds = 0;
for (const system of SYSTEMS) {
  const base = join(dataDir, system, `${system}_2k.log`);
  const structured = await readStructured(`${base}_structured.csv`);
  const input = { lines: structured.lines, truth: structured.truth };
  everyLine.push(...structured.lines);
  const result = evaluateLogMining(input, passes);
  const raw = await readRawLog(base, settings.settings[system].log_format);
  const rawScore =
    raw.lines.length === structured.lines.length
      ? evaluateLogMining({ lines: raw.lines, truth: structured.truth }, 1).grouping_accuracy
      : null;
  // Robustness: whole raw lines, header (timestamps, levels, components) included.
  const whole = await readRawLog(base, undefined);
  const wholeScore =
    whole.lines.length === structured.lines.length
      ? evaluateLogMining({ lines: whole.lines, truth: structured.truth }, 1).grouping_accuracy
      : null;
  rows.push({
    system,
    ours: result.grouping_accuracy ?? 0,
    raw: rawScore,
    whole: wholeScore,
    drain: drain(system),
    brain: BRAIN[system],
    templates: result.templates,
    linesPerS: result.lines_per_s,
  });
  totalLines += result.lines;
  totalSeconds += result.lines / result.lines_per_s;
}

// Sustained rate: one miner over all systems' lines in a row (templates accumulate), after a
// warm-up pass; CPU time, mean of the passes.
const warm = new TemplateMiner();
for (const line of everyLine) warm.add(line);
const t0 = cpuMs();
for (let p = 0; p < passes; p++) {
  const miner = new TemplateMiner();
  for (const line of everyLine) miner.add(line);
}
const sustained = Math.round((everyLine.length * passes) / ((cpuMs() - t0) / 1000));

const mean = (pick: (r: Row) => number): number => rows.reduce((s, r) => s + pick(r), 0) / rows.length;
const f3 = (x: number): string => x.toFixed(3);
const opt = (x: number | null): string => (x === null ? 'n/a' : f3(x));
const lines = [
  '| system | ours (Content column) | ours (raw log + format) | ours (whole raw line, no format) | Drain (published) | Brain (published) | templates | lines/s |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.system} | ${f3(r.ours)} | ${opt(r.raw)} | ${opt(r.whole)} | ${f3(r.drain)} | ${f3(r.brain)} | ${r.templates} | ${r.linesPerS.toLocaleString('en-US')} |`,
  ),
  `| **mean** | **${f3(mean((r) => r.ours))}** | ${f3(mean((r) => r.raw ?? 0))} | ${f3(mean((r) => r.whole ?? 0))} | ${f3(mean((r) => r.drain))} | ${f3(mean((r) => r.brain))} | | ${Math.round(totalLines / totalSeconds).toLocaleString('en-US')} |`,
];
process.stdout.write(`${lines.join('\n')}\n`);
const below = rows.filter((r) => r.ours < r.drain).map((r) => r.system);
process.stdout.write(
  `\nbelow Drain: ${below.length === 0 ? 'none' : below.join(', ')}; mean ${f3(mean((r) => r.ours))} (target ≥ 0.97); ` +
    `throughput ${Math.round(totalLines / totalSeconds).toLocaleString('en-US')} lines/s (target ≥ 200,000; CPU time, mean of ${passes - 1} warm passes per system, one thread); ` +
    `sustained ${sustained.toLocaleString('en-US')} lines/s (one miner over all ${everyLine.length.toLocaleString('en-US')} lines, mean of ${passes} passes)\n`,
);
