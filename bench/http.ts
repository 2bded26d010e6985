/**
 * HTTP ingest benchmark: batched ingest events/s (1,000-event batches) and single-event requests/s next
 * to a do-nothing Fastify route, on PGlite and on the server PostgreSQL, using wrk (Debian package) as a
 * second process on loopback. Needs `npm run build` first (the service runs from dist/ as users run it).
 *
 *   npx tsx bench/http.ts [--seconds 10] [--connections 64] [--rows all|single|batch]
 *     [--backends pglite,postgres] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
 *
 * `--rows single` runs only the yardstick and the single-event rows, `--rows batch` only the batch rows.
 * Each run uses a fresh data folder (and, for the server, a fresh database). Prints one markdown table.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ingestRecord } from './ingest-records.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : String(process.argv[i + 1]);
};
const seconds = Number(arg('seconds', '10'));
const connections = Number(arg('connections', '64'));
const adminUrl = arg('postgres', 'postgres://postgres@127.0.0.1:5432/postgres');
const rowsWanted = arg('rows', 'all');
if (!['all', 'single', 'batch'].includes(rowsWanted))
  throw new Error(`--rows all|single|batch, not ${rowsWanted}`);
const backends = arg('backends', 'pglite,postgres').split(',');
const wantSingle = rowsWanted !== 'batch';
const wantBatch = rowsWanted !== 'single';
const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'flexiroaster-bench-http-'));

const record = ingestRecord;
const batchFile = join(work, 'batch.json');
writeFileSync(batchFile, JSON.stringify(Array.from({ length: 1000 }, (_, i) => record(i))));
const oneFile = join(work, 'one.json');
writeFileSync(oneFile, JSON.stringify(record(1)));

function luaPost(path: string, bodyFile: string): string {
  const script = join(work, `${path.replace(/\W/g, '_')}-${bodyFile.split('/').pop()}.lua`);
  writeFileSync(
    script,
    `local f = io.open("${bodyFile}", "rb")\nwrk.method = "POST"\nwrk.body = f:read("*all")\nf:close()\n` +
      `wrk.headers["Content-Type"] = "application/json"\n`,
  );
  return script;
}

interface WrkResult {
  /** Requests per second answered 2xx (a 503 from backpressure is not an accepted request). */
  rps: number;
  /** All answers per second, 503s included. */
  answered: number;
  p50: string;
  p99: string;
  errors: number;
  /** CPU time of the server process (all its threads) per answer, µs. */
  cpuUsPerAnswer: number;
  /** Share of the machine's CPU time that was busy during the run (wrk, server, database, others). */
  machineBusy: number;
}

/** utime + stime of a process, all threads, in clock ticks (100 per second on Linux). */
function processTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Busy and total jiffies of the whole machine (first line of /proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - cpu[3] - cpu[4], total };
}

function runWrk(url: string, script: string, serverPid: number, conns = connections): WrkResult {
  const ticks0 = processTicks(serverPid);
  const machine0 = machineTicks();
  const out = spawnSync('wrk', ['-t2', `-c${conns}`, `-d${seconds}s`, '--latency', '-s', script, url], {
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`wrk failed: ${out.stderr}`);
  const cpuSeconds = (processTicks(serverPid) - ticks0) / 100;
  const machine1 = machineTicks();
  const machineBusy = (machine1.busy - machine0.busy) / (machine1.total - machine0.total);
  const text = out.stdout;
  const answered = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN);
  const p50 = /^\s+50%\s+(\S+)/m.exec(text)?.[1] ?? '?';
  const p99 = /^\s+99%\s+(\S+)/m.exec(text)?.[1] ?? '?';
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  const total = Number(/(\d+) requests in/.exec(text)?.[1] ?? NaN);
  const rps = total > 0 ? (answered * (total - non2xx)) / total : answered;
  const sockErr = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const errors = non2xx + (sockErr ? sockErr.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  const cpuUsPerAnswer = (1e6 * cpuSeconds) / total;
  return { rps, answered, p50, p99, errors, cpuUsPerAnswer, machineBusy };
}

function pidOf(proc: ChildProcess): number {
  if (proc.pid === undefined) throw new Error('server process did not start');
  return proc.pid;
}

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready`);
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const done = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await done;
}

async function startService(port: number, extra: string[]): Promise<ChildProcess> {
  const dataDir = mkdtempSync(join(work, 'data-'));
  const proc = spawn(
    process.execPath,
    [
      'bin/flexiroaster.js',
      'serve',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--no-demo',
      '--log-level',
      'warn',
      ...extra,
    ],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  try {
    await waitReady(`http://127.0.0.1:${port}/readyz`);
  } catch (err) {
    // Never leave a service behind holding the port (a loaded machine can miss the deadline).
    await stop(proc);
    throw err;
  }
  return proc;
}

async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `bench_http_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const rows: string[] = [];
const row = (what: string, r: WrkResult, unit: number, note: string) =>
  rows.push(
    `| ${what} | ${Math.round(r.rps * unit).toLocaleString('en-US')} | ${Math.round(r.rps).toLocaleString('en-US')} | ${Math.round(r.answered).toLocaleString('en-US')} | ${r.p50} | ${r.p99} | ${r.errors} | ${Math.round(r.cpuUsPerAnswer)} | ${Math.round(100 * r.machineBusy)}% | ${note} |`,
  );

let noopResult: WrkResult | null = null;
if (wantSingle) {
  const noop = spawn(process.execPath, ['--import', 'tsx', 'bench/noop-server.ts', '18090'], {
    cwd: root,
    stdio: 'inherit',
  });
  await waitReady('http://127.0.0.1:18090/noop').catch(() => undefined);
  await new Promise((r) => setTimeout(r, 500));
  noopResult = runWrk('http://127.0.0.1:18090/noop', luaPost('noop', oneFile), pidOf(noop));
  row('do-nothing Fastify route, one record per request', noopResult, 1, 'yardstick');
  await stop(noop);
}

for (const backend of (['pglite', 'postgres'] as const).filter((b) => backends.includes(b))) {
  const run = async (extra: string[]) => {
    const svc = await startService(18091, extra);
    try {
      const ingestUrl = 'http://127.0.0.1:18091/api/monitoring/ingest';
      if (noopResult !== null) {
        const single = runWrk(ingestUrl, luaPost('one', oneFile), pidOf(svc));
        const share = `${((100 * single.rps) / noopResult.rps).toFixed(0)}% of do-nothing`;
        row(`${backend}: single-event ingest`, single, 1, share);
      }
      if (wantBatch) {
        const batch = runWrk(ingestUrl, luaPost('batch', batchFile), pidOf(svc), 8);
        row(`${backend}: 1,000-event batches (8 connections)`, batch, 1000, 'events/s = requests/s × 1000');
      }
    } finally {
      await stop(svc);
    }
  };
  if (backend === 'pglite') await run([]);
  else await withDatabase((url) => run(['--database-url', url]));
}

console.log(
  `wrk -t2, ${seconds} s per row, ${connections} connections unless noted; durable before the answer (journal fdatasync).`,
);
console.log(
  '| what | accepted events/s | accepted requests/s | answers/s (incl. 503) | p50 | p99 | non-2xx | server CPU µs/answer | machine busy | note |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
rmSync(work, { recursive: true, force: true });
