import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { ValidationError, toError } from '../shared/index.js';
import {
  evaluateCorpus,
  parseProfiles,
  parseWindows,
  type CorpusReport,
  type ScoredSeries,
  type WindowLabel,
} from '../anomaly/nab/index.js';
import { scoreSeries } from '../anomaly/streaming/index.js';
import { readCsvFile } from './csv.js';

/** Inputs of `eval nab`: a corpus to run the detector on, or a results folder to score as it is. */
export interface NabEvalOptions {
  corpus?: string;
  labels: string;
  profiles: string;
  out?: string;
  scoreDir?: string;
  fixedThreshold?: number;
}

/** What `eval nab` prints: normalised score per profile, counts, thresholds and per-file rows. */
export type NabEvalOutput = Record<string, unknown> & {
  files: number;
  windows: number;
  thresholds: Record<string, number>;
  per_file: Array<{ file: string; profile: string; score: number; tp: number; fp: number; fn: number }>;
};

/** One data file of a NAB corpus: `category/series.csv`, its timestamps and the value cells. */
export interface NabSeries {
  name: string;
  timestamps: string[];
  valueCells: string[];
  values: Float64Array;
}

/** `flexiroaster eval nab`: the streaming detector (or a results folder) scored as NAB scores it. */
export function registerEvalNab(evalCmd: Command): void {
  evalCmd
    .command('nab')
    .description('Run the streaming detector on a NAB corpus (or score a results folder) with NAB scoring')
    .option('--corpus <dir>', 'NAB data folder holding <category>/<series>.csv')
    .requiredOption('--labels <file>', 'combined_windows.json')
    .requiredOption('--profiles <file>', 'profiles.json (cost matrices)')
    .option('--out <dir>', 'write per-row scores as <dir>/<category>/flexiroaster_<series>.csv')
    .option('--score-dir <dir>', 'score an existing results folder instead of running the detector')
    .option(
      '--fixed-threshold <t>',
      'score every profile at this threshold (no optimisation)',
      parseThreshold,
    )
    .action(async (flags: NabEvalOptions) => {
      const output = await runEvalNab(flags);
      process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    });
}

/** Runs `eval nab`: loads labels and profiles, gets per-row scores, scores them, shapes the JSON. */
export async function runEvalNab(options: NabEvalOptions): Promise<NabEvalOutput> {
  const windows = parseWindows(await readJson(options.labels, 'labels'));
  const profiles = parseProfiles(await readJson(options.profiles, 'profiles'));
  let scored: ScoredSeries[];
  if (options.scoreDir !== undefined) {
    scored = await readResultsFolder(options.scoreDir, windows);
  } else {
    if (options.corpus === undefined) {
      throw new ValidationError('corpus', 'give --corpus DIR (or --score-dir DIR to score existing results)');
    }
    const corpus = await readNabCorpus(options.corpus);
    scored = corpus.map((s) => ({
      name: s.name,
      timestamps: s.timestamps,
      scores: scoreSeries(s.values),
      windows: windowsOf(windows, s.name),
    }));
    if (options.out !== undefined) await writeResults(options.out, corpus, scored);
  }
  const report = evaluateCorpus(scored, profiles, { fixedThreshold: options.fixedThreshold });
  return toOutput(report);
}

/** Reads every `<category>/<series>.csv` (columns timestamp, value) under `dir`, in name order. */
export async function readNabCorpus(dir: string): Promise<NabSeries[]> {
  const out: NabSeries[] = [];
  for (const { category, file } of await listCategoryCsvs(dir)) {
    const table = await readCsvFile(join(dir, category, file));
    const t = column(table.header, 'timestamp', file);
    const v = column(table.header, 'value', file);
    const valueCells = table.records.map((r) => r[v]);
    out.push({
      name: `${category}/${file}`,
      timestamps: table.records.map((r) => r[t]),
      valueCells,
      values: Float64Array.from(valueCells, (c) => (c.trim() === '' ? NaN : Number(c))),
    });
  }
  return out;
}

/**
 * Reads a NAB results folder (`<category>/<detector>_<series>.csv` with an anomaly_score column);
 * each file is matched to the labelled series whose name ends it.
 */
export async function readResultsFolder(
  dir: string,
  windows: ReadonlyMap<string, WindowLabel[]>,
): Promise<ScoredSeries[]> {
  const out: ScoredSeries[] = [];
  for (const { category, file } of await listCategoryCsvs(dir)) {
    const name = labelledNameOf(category, file, windows);
    const table = await readCsvFile(join(dir, category, file));
    const t = column(table.header, 'timestamp', file);
    const s = column(table.header, 'anomaly_score', file);
    out.push({
      name,
      timestamps: table.records.map((r) => r[t]),
      scores: Float64Array.from(table.records, (r) => Number(r[s])),
      windows: windowsOf(windows, name),
    });
  }
  return out;
}

async function writeResults(out: string, corpus: NabSeries[], scored: ScoredSeries[]): Promise<void> {
  for (let k = 0; k < corpus.length; k++) {
    const [category, file] = corpus[k].name.split('/');
    await mkdir(join(out, category), { recursive: true });
    const lines = ['timestamp,value,anomaly_score'];
    corpus[k].timestamps.forEach((ts, i) =>
      lines.push(`${ts},${corpus[k].valueCells[i]},${scored[k].scores[i]}`),
    );
    await writeFile(join(out, category, `flexiroaster_${file}`), `${lines.join('\n')}\n`);
  }
}

function toOutput(report: CorpusReport): NabEvalOutput {
  const scores = Object.fromEntries(report.profiles.map((p) => [p.profile, p.score]));
  return {
    ...scores,
    files: report.files,
    windows: report.windows,
    thresholds: Object.fromEntries(report.profiles.map((p) => [p.profile, p.threshold])),
    per_file: report.perFile.map((r) => ({
      file: r.file,
      profile: r.profile,
      score: r.score,
      tp: r.tp,
      fp: r.fp,
      fn: r.fn,
    })),
  };
}

// The corpus and results layouts: one folder per category, CSV files inside; anything else is ignored.
async function listCategoryCsvs(dir: string): Promise<Array<{ category: string; file: string }>> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new ValidationError('dir', `cannot read folder ${dir}: ${toError(err).message}`, { cause: err });
  }
  const out: Array<{ category: string; file: string }> = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort(byName)) {
    const files = await readdir(join(dir, entry.name), { withFileTypes: true });
    for (const f of files.filter((e) => e.isFile() && e.name.endsWith('.csv')).sort(byName)) {
      out.push({ category: entry.name, file: f.name });
    }
  }
  if (out.length === 0) throw new ValidationError('dir', `no <category>/<series>.csv files under ${dir}`);
  return out;
}

function labelledNameOf(category: string, file: string, windows: ReadonlyMap<string, WindowLabel[]>): string {
  let best: string | undefined;
  for (const key of windows.keys()) {
    const [cat, series] = key.split('/');
    if (cat !== category || !file.endsWith(`_${series}`)) continue;
    if (best === undefined || key.length > best.length) best = key;
  }
  if (best === undefined) {
    throw new ValidationError('score_dir', `${category}/${file} matches no labelled series`);
  }
  return best;
}

function windowsOf(windows: ReadonlyMap<string, WindowLabel[]>, name: string): WindowLabel[] {
  const list = windows.get(name);
  if (list === undefined) throw new ValidationError('labels', `no labels for ${name}`);
  return list;
}

function column(header: string[], name: string, file: string): number {
  const at = header.indexOf(name);
  if (at < 0) throw new ValidationError('csv', `${file} has no "${name}" column`);
  return at;
}

async function readJson(path: string, field: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ValidationError(field, `cannot read ${path}: ${toError(err).message}`, { cause: err });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ValidationError(field, `${basename(path)} is not valid JSON: ${toError(err).message}`, {
      cause: err,
    });
  }
}

function parseThreshold(text: string): number {
  const t = Number(text);
  if (!Number.isFinite(t)) throw new ValidationError('fixed_threshold', `not a number: "${text}"`);
  return t;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
