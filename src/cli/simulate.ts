import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import type { Command } from 'commander';
import { createFleet, FAULT_KINDS, toDemoWire, toTruth, type FaultKind } from '../demo/index.js';
import { hash53, toError } from '../shared/index.js';
import { parseDuration } from './duration.js';

/** `simulate`'s flags, checked and compiled. */
export interface SimulateOptions {
  pipelines: number;
  durationMs: number;
  seed: number;
  faults: FaultKind[];
  faultRate: number;
  startMs: number;
  /** A file path, `-` for stdout, or null when posting to `url`. */
  out: string | null;
  url: string | null;
  apiKey: string | null;
  truth: string | null;
  batchSize: number;
}

/** Where progress goes (stderr in the CLI). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** What a simulation produced. */
export interface SimulateSummary {
  events: number;
  episodes: number;
  /** Items the ingest API rejected (with --url). */
  rejected: number;
}

type RawFlags = Record<string, string | undefined>;

/** Simulated time per advance: small enough to stream, large enough to be cheap. */
const STEP_MS = 300_000;
const MAX_ATTEMPTS = 30;

/** `flexiroaster simulate`: the demo fleet as a workload file or a stream to a URL. */
export function registerSimulate(program: Command, progressTo: ProgressStream = process.stderr): void {
  program
    .command('simulate')
    .description('Generate a labelled pipeline workload: NDJSON wire events to a file or to the ingest API')
    .option('--pipelines <n>', 'number of simulated pipelines', '20')
    .option('--duration <d>', 'simulated time span: 90s, 30m, 2h, 1d', '2h')
    .option('--seed <s>', 'random seed: an integer, or any text', '1')
    .option('--faults <list>', `fault kinds: all, none, or a comma list of ${FAULT_KINDS.join(', ')}`, 'all')
    .option('--fault-rate <r>', 'fault episodes per pipeline per hour', '0.15')
    .option('--start <iso>', 'simulated start time, ISO-8601 (default: now minus the duration)')
    .option('--out <file>', 'write NDJSON to this file (- for stdout)')
    .option(
      '--url <url>',
      'POST NDJSON batches to this ingest URL (e.g. http://localhost:8080/api/monitoring/ingest)',
    )
    .option('--api-key <key>', 'send Authorization: Bearer <key> with --url')
    .option(
      '--truth <file>',
      'write the injected fault episodes as JSON [{fault_id, fault, pipeline_id, start, end}]',
    )
    .option('--batch-size <n>', 'events per POST with --url', '1000')
    .action(async (raw: RawFlags) => {
      await runSimulate(parseSimulateOptions(raw, Date.now()), progressTo);
    });
}

/** Checks the flags; throws an Error naming the bad flag. */
export function parseSimulateOptions(raw: RawFlags, nowMs: number): SimulateOptions {
  const pipelines = intFlag(raw.pipelines ?? '20', '--pipelines', 1, 100_000);
  const durationMs = wrap('--duration', () => parseDuration(raw.duration ?? '2h'));
  const seedText = (raw.seed ?? '1').trim();
  const seed =
    /^-?\d+$/.test(seedText) && Number.isSafeInteger(Number(seedText)) ? Number(seedText) : hash53(seedText);
  const faults = faultList(raw.faults ?? 'all');
  const faultRate = Number(raw['faultRate'] ?? '0.15');
  if (!Number.isFinite(faultRate) || faultRate < 0)
    throw new Error(`--fault-rate must be a number ≥ 0, got '${raw['faultRate']}'`);
  let startMs = nowMs - durationMs;
  if (raw.start !== undefined) {
    startMs = Date.parse(raw.start);
    if (!Number.isFinite(startMs)) throw new Error(`--start must be an ISO-8601 time, got '${raw.start}'`);
  }
  const out = raw.out ?? null;
  const url = raw.url ?? null;
  if ((out === null) === (url === null)) throw new Error('give exactly one of --out FILE or --url URL');
  if (url !== null && !/^https?:\/\/[^\s]+$/.test(url))
    throw new Error(`--url must be an http(s) URL, got '${url}'`);
  const apiKey = raw['apiKey'] ?? null;
  if (apiKey !== null && url === null) throw new Error('--api-key only makes sense with --url');
  const batchSize = intFlag(raw['batchSize'] ?? '1000', '--batch-size', 1, 100_000);
  return {
    pipelines,
    durationMs,
    seed,
    faults,
    faultRate,
    startMs,
    out,
    url,
    apiKey,
    truth: raw.truth ?? null,
    batchSize,
  };
}

/** Runs the simulation and writes or posts it; resolves with what it produced. */
export async function runSimulate(
  opts: SimulateOptions,
  progressTo: ProgressStream,
): Promise<SimulateSummary> {
  const fleet = createFleet({
    seed: opts.seed,
    pipelines: opts.pipelines,
    startMs: opts.startMs,
    faults: opts.faults,
    faultRate: opts.faultRate,
    emit: 'events',
  });
  const endMs = opts.startMs + opts.durationMs;
  const output =
    opts.url !== null ? new Poster(opts.url, opts.apiKey, opts.batchSize) : new FileOutput(opts.out ?? '-');
  const progress = new Progress(progressTo, opts.durationMs);
  let events = 0;
  try {
    for (let t = opts.startMs; t < endMs;) {
      t = Math.min(endMs, t + STEP_MS);
      const r = fleet.advanceTo(t);
      await output.write(r.events.map((e) => JSON.stringify(toDemoWire(e))));
      events += r.events.length;
      progress.update(t - opts.startMs, events);
    }
  } finally {
    await output.close();
    progress.finish();
  }
  const episodes = fleet.episodes();
  if (opts.truth !== null) await writeFile(opts.truth, `${JSON.stringify(toTruth(episodes), null, 2)}\n`);
  const rejected = output instanceof Poster ? output.rejected : 0;
  const where = opts.url ?? (opts.out === '-' ? 'stdout' : opts.out);
  progressTo.write(
    `simulate: ${events} events, ${episodes.length} fault episodes -> ${where}${rejected > 0 ? `; ${rejected} rejected (${output instanceof Poster ? output.firstRejection : ''})` : ''}\n`,
  );
  return { events, episodes: episodes.length, rejected };
}

function intFlag(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max)
    throw new Error(`${flag} must be an integer from ${min} to ${max}, got '${text}'`);
  return n;
}

function wrap<T>(flag: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new Error(`${flag}: ${toError(err).message}`);
  }
}

function faultList(text: string): FaultKind[] {
  const t = text.trim();
  if (t === 'all') return [...FAULT_KINDS];
  if (t === 'none' || t === '') return [];
  return t.split(',').map((name) => {
    const kind = FAULT_KINDS.find((k) => k === name.trim());
    if (kind === undefined)
      throw new Error(
        `--faults: unknown fault '${name.trim()}'; use all, none, or some of ${FAULT_KINDS.join(', ')}`,
      );
    return kind;
  });
}

/** NDJSON lines to a file or stdout, respecting backpressure. */
class FileOutput {
  private readonly stream: NodeJS.WritableStream;
  private failure: Error | null = null;

  constructor(private readonly path: string) {
    this.stream = path === '-' ? process.stdout : createWriteStream(path);
    this.stream.on('error', (err) => {
      this.failure = toError(err);
    });
  }

  async write(lines: string[]): Promise<void> {
    if (this.failure !== null) throw this.failure;
    if (lines.length === 0) return;
    if (!this.stream.write(`${lines.join('\n')}\n`)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.path !== '-') await new Promise<void>((resolve) => this.stream.end(resolve));
    if (this.failure !== null) throw new Error(`cannot write ${this.path}: ${this.failure.message}`);
  }
}

/** NDJSON batches POSTed to the ingest API; waits and retries on 503/429 as Retry-After says. */
class Poster {
  rejected = 0;
  firstRejection = '';
  private buffer: string[] = [];

  constructor(
    private readonly url: string,
    private readonly apiKey: string | null,
    private readonly batchSize: number,
  ) {}

  async write(lines: string[]): Promise<void> {
    for (const line of lines) this.buffer.push(line);
    while (this.buffer.length >= this.batchSize) await this.post(this.buffer.splice(0, this.batchSize));
  }

  async close(): Promise<void> {
    if (this.buffer.length > 0) await this.post(this.buffer.splice(0));
  }

  private async post(lines: string[]): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
    if (this.apiKey !== null) headers.authorization = `Bearer ${this.apiKey}`;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(this.url, { method: 'POST', headers, body: `${lines.join('\n')}\n` });
      } catch (err) {
        if (attempt >= 5) throw new Error(`POST ${this.url} failed: ${toError(err).message}`);
        await sleep(250 * 2 ** attempt);
        continue;
      }
      if ((res.status === 503 || res.status === 429) && attempt < MAX_ATTEMPTS) {
        await res.arrayBuffer();
        await sleep(retryAfterMs(res.headers.get('retry-after')));
        continue;
      }
      const text = await res.text();
      if (!res.ok) throw new Error(`POST ${this.url} answered ${res.status}: ${text.slice(0, 300)}`);
      this.countRejections(text);
      return;
    }
  }

  private countRejections(text: string): void {
    try {
      const body = JSON.parse(text) as { rejected?: unknown };
      if (!Array.isArray(body.rejected) || body.rejected.length === 0) return;
      if (this.rejected === 0) this.firstRejection = JSON.stringify(body.rejected[0]);
      this.rejected += body.rejected.length;
    } catch {
      // A non-JSON 2xx answer carries no per-item report.
    }
  }
}

function retryAfterMs(header: string | null): number {
  if (header === null) return 1000;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Math.min(60_000, Math.max(0, Number.isFinite(ms) ? ms : 1000));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A bar on a terminal, occasional lines otherwise. */
class Progress {
  private lastDraw = 0;
  private lastTenth = -1;

  constructor(
    private readonly to: ProgressStream,
    private readonly totalMs: number,
  ) {}

  update(doneMs: number, events: number): void {
    const frac = Math.min(1, doneMs / this.totalMs);
    if (this.to.isTTY === true) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && frac < 1) return;
      this.lastDraw = now;
      const filled = Math.round(frac * 30);
      this.to.write(
        `\rsimulate [${'#'.repeat(filled)}${'-'.repeat(30 - filled)}] ${Math.round(frac * 100)}% ${events} events`,
      );
      return;
    }
    const tenth = Math.floor(frac * 10);
    if (tenth > this.lastTenth) {
      this.lastTenth = tenth;
      this.to.write(`simulate: ${tenth * 10}% (${events} events)\n`);
    }
  }

  finish(): void {
    if (this.to.isTTY === true) this.to.write('\n');
  }
}
