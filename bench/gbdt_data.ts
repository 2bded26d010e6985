// Data for bench/gbdt.ts: the seeded synthetic failure set and the DL-CIBuild time splits, written
// as CSV files that both our side and the Python references read, so all three see the same rows.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../src/cli/csv.js';
import { SeededRng } from '../src/shared/index.js';

/** One prepared data set: CSV paths with the same columns, the label last. */
export interface PreparedSet {
  name: string;
  train: string;
  test: string;
  label: string;
  /** Training rows before this index fit the model that gets calibrated on the rest. */
  calib_cut: number;
}

/** This folder (bench/), where the Python references live. */
export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));

/** The options every GBDT bench takes (node:util parseArgs): data folder, output folder, one set, our settings. */
export const SET_OPTIONS = {
  data: { type: 'string', default: resolve(BENCH_DIR, '../../shared/datasets/failures/dl_cibuild') },
  out: { type: 'string', default: resolve(BENCH_DIR, 'out/gbdt') },
  only: { type: 'string' },
  params: { type: 'string', default: '{}' },
} as const;

/** Our settings for the comparisons (the speed settings), overridden by `--params JSON`. */
export function benchParams(json: string): Record<string, unknown> {
  return {
    num_leaves: 31,
    n_estimators: 100,
    learning_rate: 0.1,
    max_bins: 255,
    ...(JSON.parse(json) as Record<string, unknown>),
  };
}

/** Every DL-CIBuild project in `dataDir` and the synthetic set, prepared in `outDir` (or only the one named). */
export function prepareSets(dataDir: string, outDir: string, only?: string): PreparedSet[] {
  mkdirSync(outDir, { recursive: true });
  return [
    ...readdirSync(dataDir)
      .filter((f) => f.endsWith('.csv'))
      .sort()
      .map((f) => prepareCibuild(join(dataDir, f), outDir)),
    prepareSynthetic(outDir),
  ].filter((s) => only === undefined || s.name === only);
}

export const TRAIN_SHARE = 0.7;
export const CALIB_SHARE = 0.2;
const CIBUILD_LABEL = 'build_Failed';
const CIBUILD_TIME = 'gh_build_started_at';
// The build id only counts builds: in a time split every test id lies past the training range, so
// trees learn nothing from it that transfers. It is a row id, not a feature.
const CIBUILD_DROPPED = new Set([CIBUILD_TIME, 'tr_build_id']);

function writeCsv(path: string, header: string[], rows: (readonly (number | string)[])[]): void {
  const cell = (v: number | string): string => (typeof v === 'number' && Number.isNaN(v) ? '' : String(v));
  writeFileSync(path, [header.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n');
}

function split(
  name: string,
  outDir: string,
  header: string[],
  rows: (readonly (number | string)[])[],
  label: string,
): PreparedSet {
  const cut = Math.floor(rows.length * TRAIN_SHARE);
  const train = join(outDir, `${name}.train.csv`);
  const test = join(outDir, `${name}.test.csv`);
  writeCsv(train, header, rows.slice(0, cut));
  writeCsv(test, header, rows.slice(cut));
  return { name, train, test, label, calib_cut: Math.floor(cut * (1 - CALIB_SHARE)) };
}

/**
 * 7 pipeline-like features with a non-linear failure probability: an interaction (cpu and memory
 * both high), a cycle over the hour, a quadratic in duration, retries, and queue depth whose
 * missing values are themselves a risk.
 */
export function prepareSynthetic(outDir: string, rows = 100_000, seed = 2026): PreparedSet {
  const rng = new SeededRng(seed);
  const header = ['duration_z', 'retries', 'queue_depth', 'cpu', 'mem', 'hour', 'noise', 'failed'];
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const duration = rng.normal();
    const retries = Math.min(8, Math.floor(-Math.log(1 - rng.next()) / 0.7));
    const queue = rng.next() < 0.05 ? NaN : Math.exp(1 + 0.8 * rng.normal());
    const cpu = rng.next();
    const mem = rng.next();
    const hour = rng.int(24);
    const noise = rng.normal();
    const logit =
      -2.2 +
      (cpu > 0.8 && mem > 0.7 ? 1.8 : 0) +
      0.6 * retries +
      0.8 * Math.sin((2 * Math.PI * hour) / 24) +
      0.6 * duration * duration +
      duration * (mem - 0.5) +
      (Number.isNaN(queue) ? 0.7 : -0.4 * Math.log(queue));
    const failed = rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    out.push([duration, retries, queue, cpu, mem, hour, noise, failed]);
  }
  return split('synthetic', outDir, header, out, 'failed');
}

/** Milliseconds of `2012-06-01T04:07:59` or rails' `2011-08-29 0:13` (both read as UTC). */
function parseTime(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(text.trim());
  if (!m) throw new Error(`unreadable time "${text}"`);
  const [, y, mo, d, h, mi, s] = m;
  return Date.UTC(+y, +mo - 1, +d, +h, +mi, s === undefined ? 0 : +s);
}

/** One DL-CIBuild project: sorted by build start (stable), first 70% → train, numeric columns only. */
export function prepareCibuild(file: string, outDir: string): PreparedSet {
  const table = parseCsv(readFileSync(file, 'utf8'));
  const timeAt = table.header.indexOf(CIBUILD_TIME);
  const keep = table.header
    .map((name, c) => ({ name, c }))
    .filter(({ name }) => !CIBUILD_DROPPED.has(name) && name !== CIBUILD_LABEL)
    .filter(({ c }) => table.records.every((r) => r[c].trim() === '' || Number.isFinite(Number(r[c]))));
  const labelAt = table.header.indexOf(CIBUILD_LABEL);
  const order = table.records
    .map((r, i) => ({ r, i, t: parseTime(r[timeAt]) }))
    .sort((a, b) => a.t - b.t || a.i - b.i);
  const rows = order.map(({ r }) => [...keep.map(({ c }) => r[c]), r[labelAt]]);
  return split(
    basename(file, '.csv'),
    outDir,
    [...keep.map((k) => k.name), CIBUILD_LABEL],
    rows,
    CIBUILD_LABEL,
  );
}
