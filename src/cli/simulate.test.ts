import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';
import { parseSimulateOptions, registerSimulate, runSimulate, type ProgressStream } from './simulate.js';

const START = '2026-01-05T06:00:00.000Z';
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flexiroaster-simulate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const quiet = (): ProgressStream & { text: string } => {
  const s = { text: '', write: (t: string) => (s.text += t) };
  return s;
};

async function cli(args: string[], progress: ProgressStream = quiet()): Promise<void> {
  const program = new Command('flexiroaster').exitOverride().configureOutput({ writeErr: () => undefined });
  registerSimulate(program, progress);
  await program.parseAsync(['simulate', ...args], { from: 'user' });
}

const readLines = async (file: string): Promise<Record<string, unknown>[]> =>
  (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('simulate CLI', () => {
  it('writes labelled NDJSON wire events and the truth file', async () => {
    const out = join(dir, 'w.ndjson');
    const truth = join(dir, 't.json');
    const progress = quiet();
    const args = [
      '--pipelines',
      '3',
      '--duration',
      '60m',
      '--seed',
      '4',
      '--fault-rate',
      '2',
      '--start',
      START,
    ];
    await cli([...args, '--out', out, '--truth', truth], progress);
    const lines = await readLines(out);
    expect(lines.length).toBeGreaterThan(200);
    const end = Date.parse(START) + 60 * 60_000;
    const timeOf = (l: Record<string, unknown>): number =>
      Date.parse(String(l.completed_at ?? l.timestamp ?? l.started_at));
    const hasLabels = (l: Record<string, unknown>): boolean =>
      typeof l.labels === 'object' && l.labels !== null && 'fault' in l.labels && 'fault_id' in l.labels;
    const kinds = ['execution', 'stage', 'log', 'metric'];
    const odd = lines.filter((l) => !kinds.includes(String(l.type)) || !hasLabels(l) || !(timeOf(l) <= end));
    expect(odd).toEqual([]);
    expect(
      lines
        .filter((l) => l.type === 'log' || l.type === 'metric')
        .every((l) => typeof l.event_id === 'string'),
    ).toBe(true);
    const episodes = JSON.parse(await readFile(truth, 'utf8')) as {
      fault_id: string;
      fault: string;
      pipeline_id: string;
      start: string;
      end: string;
    }[];
    expect(episodes.length).toBeGreaterThan(0);
    for (const e of episodes) {
      expect(Object.keys(e).sort()).toEqual(['end', 'fault', 'fault_id', 'pipeline_id', 'start']);
      expect(new Date(e.start).toISOString()).toBe(e.start);
      expect(Date.parse(e.end)).toBeGreaterThan(Date.parse(e.start));
    }
    const ids = new Set(episodes.map((e) => e.fault_id));
    const labelled = lines
      .map((l) => (l.labels as { fault_id: string | null }).fault_id)
      .filter((id) => id !== null);
    expect(labelled.length).toBeGreaterThan(0);
    expect(labelled.every((id) => ids.has(id))).toBe(true);
    expect(progress.text).toMatch(/simulate: 100%/);
    expect(progress.text).toMatch(
      new RegExp(`simulate: ${lines.length} events, ${episodes.length} fault episodes`),
    );

    const again = join(dir, 'again.ndjson');
    await cli([...args, '--out', again]);
    expect(await readFile(again, 'utf8')).toBe(await readFile(out, 'utf8'));
  });

  it('POSTs NDJSON batches with the key, waiting out a 503 as Retry-After says', async () => {
    const batches: { lines: number; headers: IncomingHttpHeaders }[] = [];
    let refusals = 1;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (refusals-- > 0) {
          res
            .writeHead(503, { 'retry-after': '0', 'content-type': 'application/json' })
            .end('{"error":{"code":"STORE_UNAVAILABLE"}}');
          return;
        }
        const lines = body.trim().split('\n');
        batches.push({ lines: lines.length, headers: req.headers });
        const rejected = batches.length === 1 ? [{ index: 0, field: 'x', reason: 'test' }] : [];
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ accepted: lines.length - rejected.length, rejected }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/monitoring/ingest`;
    try {
      const opts = parseSimulateOptions(
        { pipelines: '2', duration: '30m', seed: '8', url, apiKey: 'k1', batchSize: '250', start: START },
        0,
      );
      const summary = await runSimulate(opts, quiet());
      expect(batches.reduce((n, b) => n + b.lines, 0)).toBe(summary.events);
      expect(batches.every((b) => b.lines <= 250)).toBe(true);
      expect(batches.length).toBeGreaterThan(1);
      expect(batches[0].headers['content-type']).toBe('application/x-ndjson');
      expect(batches[0].headers.authorization).toBe('Bearer k1');
      expect(summary.rejected).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('starts at now minus the duration by default, so nothing lies in the future', () => {
    const now = Date.UTC(2026, 5, 1);
    const opts = parseSimulateOptions({ duration: '2h', out: 'x' }, now);
    expect(opts.startMs).toBe(now - 2 * 3_600_000);
    expect(opts).toMatchObject({
      pipelines: 20,
      seed: 1,
      faultRate: 0.15,
      batchSize: 1000,
      truth: null,
      url: null,
    });
    expect(parseSimulateOptions({ seed: 'demo', out: 'x' }, now).seed).toBe(
      parseSimulateOptions({ seed: 'demo', out: 'x' }, now).seed,
    );
    expect(parseSimulateOptions({ faults: 'oom, slowdown', out: 'x' }, now).faults).toEqual([
      'oom',
      'slowdown',
    ]);
    expect(parseSimulateOptions({ faults: 'none', out: 'x' }, now).faults).toEqual([]);
  });

  it.each([
    [{ pipelines: '0', out: 'x' }, /--pipelines/],
    [{ pipelines: 'many', out: 'x' }, /--pipelines/],
    [{ duration: '2 hours', out: 'x' }, /--duration/],
    [{ faults: 'oom,meteor', out: 'x' }, /--faults: unknown fault 'meteor'/],
    [{ faultRate: '-1', out: 'x' }, /--fault-rate/],
    [{ start: 'yesterday', out: 'x' }, /--start/],
    [{}, /exactly one of --out FILE or --url URL/],
    [{ out: 'x', url: 'http://h/i' }, /exactly one/],
    [{ url: 'ftp://h/i' }, /--url/],
    [{ out: 'x', apiKey: 'k' }, /--api-key/],
    [{ url: 'http://h/i', batchSize: '0' }, /--batch-size/],
  ])('refuses %j with a clear message', (raw, message) => {
    expect(() => parseSimulateOptions(raw, 0)).toThrow(message);
  });

  it('rejects unknown flags through commander', async () => {
    await expect(cli(['--bogus', '--out', join(dir, 'x')])).rejects.toBeInstanceOf(CommanderError);
  });

  it('draws a bar on a terminal', async () => {
    const tty = Object.assign(quiet(), { isTTY: true });
    await cli(
      ['--pipelines', '1', '--duration', '10m', '--start', START, '--out', join(dir, 'tty.ndjson')],
      tty,
    );
    expect(tty.text).toMatch(/\rsimulate \[#+\] 100%/);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '2', 'h', '2w', '-1h', '0s'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(RangeError);
  });
});
