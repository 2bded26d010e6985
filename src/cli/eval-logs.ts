import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { TemplateMiner, compileLogFormat, groupingAccuracy } from '../logs/index.js';
import { ValidationError, toError } from '../shared/index.js';
import { readCsvFile } from './csv.js';

/** What `eval logs` prints. */
export interface LogEvalResult {
  lines: number;
  templates: number;
  /** Loghub's grouping accuracy; null when no true groups were given. */
  grouping_accuracy: number | null;
  /**
   * Lines mined per second of this process's CPU time (so other load on the machine does not count),
   * the mean over the timed passes after the first (which includes compiling the code).
   */
  lines_per_s: number;
}

/** Lines to mine and, when known, each line's true group. */
export interface LogEvalInput {
  lines: readonly string[];
  truth: readonly string[] | null;
}

/**
 * Mines the lines in order with a fresh miner and scores the final grouping (absorbed templates
 * count as their absorber); then mines them `passes − 1` more times, each with a fresh miner, to
 * time the warm code (with `passes` = 1 the single, cold pass is timed).
 */
export function evaluateLogMining(input: LogEvalInput, passes = 20): LogEvalResult {
  const miner = new TemplateMiner();
  let start = cpuMs();
  const ids = input.lines.map((line) => miner.add(line).id);
  let ms = cpuMs() - start;
  if (passes > 1) {
    start = cpuMs();
    for (let p = 1; p < passes; p++) {
      const fresh = new TemplateMiner();
      for (const line of input.lines) fresh.add(line);
    }
    ms = (cpuMs() - start) / (passes - 1);
  }
  const parsed = ids.map((id) => miner.resolve(id));
  return {
    lines: input.lines.length,
    templates: miner.templates().length,
    grouping_accuracy: input.truth === null ? null : groupingAccuracy(input.truth, parsed),
    lines_per_s: ms > 0 ? Math.round(input.lines.length / (ms / 1000)) : 0,
  };
}

/** CPU time (user + system) this process has used, in milliseconds. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The `Content` and `EventId` columns of a Loghub `*_structured.csv`, in file order. */
export async function readStructured(path: string): Promise<{ lines: string[]; truth: string[] }> {
  const table = await readCsvFile(path);
  const column = (name: string): number => {
    const at = table.header.indexOf(name);
    if (at < 0) throw new ValidationError('structured', `${path} has no ${name} column`);
    return at;
  };
  const content = column('Content');
  const event = column('EventId');
  return { lines: table.records.map((r) => r[content]), truth: table.records.map((r) => r[event]) };
}

/**
 * The message part of each line of a raw log: the `Content` field of `format` (Loghub's convention),
 * or the whole line without one. Lines that do not fit the format are counted and left out.
 */
export async function readRawLog(
  path: string,
  format: string | undefined,
): Promise<{ lines: string[]; unparsed: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ValidationError('log', `cannot read ${path}: ${toError(err).message}`, { cause: err });
  }
  const raw = text.split('\n').map((l) => l.trim());
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  if (format === undefined) return { lines: raw, unparsed: 0 };
  const parser = compileLogFormat(format);
  if (!parser.fields.includes('Content'))
    throw new ValidationError('format', 'the format needs a <Content> field');
  const lines: string[] = [];
  let unparsed = 0;
  for (const line of raw) {
    const fields = parser.parse(line);
    if (fields === null) unparsed++;
    else lines.push(fields.Content);
  }
  return { lines, unparsed };
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1.');
  return n;
}

/** `flexiroaster eval logs`: template mining on a Loghub file, grouping accuracy and speed as JSON. */
export function registerEvalLogs(evalCmd: Command): void {
  evalCmd
    .command('logs')
    .description('Log template miner: grouping accuracy (Loghub) and lines/s, JSON on stdout')
    .option('--structured <file>', 'Loghub *_structured.csv: mines Content, scores against EventId')
    .option('--log <file>', 'raw log to mine instead of the Content column (scored if --structured is given)')
    .option('--format <format>', "raw log header, e.g. '<Date> <Time> <Level> <Component>: <Content>'")
    .option(
      '--passes <n>',
      'passes over the lines, each with a fresh miner; all but the first are timed (CPU time)',
      wholeNumber,
      20,
    )
    .action(async (opts: { structured?: string; log?: string; format?: string; passes: number }) => {
      if (opts.structured === undefined && opts.log === undefined) {
        throw new ValidationError('structured', 'give --structured FILE, --log FILE, or both');
      }
      if (opts.format !== undefined && opts.log === undefined) {
        throw new ValidationError('format', '--format applies to --log');
      }
      const structured = opts.structured === undefined ? null : await readStructured(opts.structured);
      let lines = structured?.lines ?? [];
      if (opts.log !== undefined) {
        const raw = await readRawLog(opts.log, opts.format);
        if (raw.unparsed > 0)
          process.stderr.write(`${opts.log}: ${raw.unparsed} lines do not fit the format\n`);
        if (structured !== null && raw.lines.length !== structured.lines.length) {
          throw new ValidationError(
            'log',
            `${opts.log} gives ${raw.lines.length} messages but ${opts.structured} has ${structured.lines.length} rows`,
          );
        }
        lines = raw.lines;
      }
      const result = evaluateLogMining({ lines, truth: structured?.truth ?? null }, opts.passes);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
