/**
 * HTTP ingest benchmark: batched ingest events/s (1,000-event batches) and single-event requests/s next
 * to a do-nothing Fastify route, on PGlite and on the server PostgreSQL, using wrk (Debian package) as a
 * second process on loopback. Needs `npm run build` first (the service runs from dist/ as users run it).
 *
 *   npx tsx bench/http.ts [--seconds 10] [--rounds 3] [--connections 64] [--rows all|single|batch]
 *     [--backends pglite,postgres] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
 *     [--trees DIR[,DIR…]]
 *
 * Single-event rows alternate with the yardstick in one run (Y A Y A … Y, `--rounds` rounds of
 * `--seconds` each, the same wrk settings for both), and each round's share is its rate over the mean of
 * the two yardstick rounds around it: on a shared machine the yardstick alone moves by 2× within half an
 * hour, so a share against one yardstick run measured minutes earlier says little. CPU per request
 * (process CPU, all threads, over requests served; for PostgreSQL also the database backends' CPU) is
 * given for both, and is less sensitive to the load than rates. `--trees` names built checkouts whose
 * services take turns within each round (Y A B Y A B … Y), for a before/after comparison in one run;
 * default the checkout this file is in. After each ingest round the service is left to put what it
 * acknowledged into the database before the next round starts.
 *
 * `--rows single` runs only the yardstick and the single-event rows, `--rows batch` only the batch rows
 * (one run per backend), each after a batch yardstick: a route that only parses the same 1,000-record
 * body (bench/noop-server.ts), the floor that HTTP and JSON parsing set on this machine. Each service gets a fresh data folder (and, for the server, a
 * fresh database). Prints the load average, one markdown table of every round and a summary table.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import pg from 'pg';
import { ingestRecord } from './ingest-records.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : String(process.argv[i + 1]);
};
const seconds = Number(arg('seconds', '10'));
const rounds = Number(arg('rounds', '3'));
const connections = Number(arg('connections', '64'));
const adminUrl = arg('postgres', 'postgres://postgres@127.0.0.1:5432/postgres');
const rowsWanted = arg('rows', 'all');
if (!['all', 'single', 'batch'].includes(rowsWanted))
  throw new Error(`--rows all|single|batch, not ${rowsWanted}`);
if (!(rounds >= 1)) throw new Error(`--rounds must be at least 1, not ${rounds}`);
const backends = arg('backends', 'pglite,postgres').split(',');
const wantSingle = rowsWanted !== 'batch';
const wantBatch = rowsWanted !== 'single';
const root = new URL('..', import.meta.url).pathname;
const trees = arg('trees', root)
  .split(',')
  .map((dir) => resolve(dir));
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
  /** CPU time of the database server's backends for this service per answer, µs (PostgreSQL only). */
  dbCpuUsPerAnswer: number | null;
  /** Share of the machine's CPU time that was busy during the run (wrk, server, database, others). */
  machineBusy: number;
}

/** utime + stime of a process, all threads, in clock ticks (100 per second on Linux); 0 once it is gone. */
function processTicks(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Busy and total jiffies of the whole machine (first line of /proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - cpu[3] - cpu[4], total };
}

/** A server under test: where to send, which process to charge, and how to let it settle. */
interface Target {
  label: string;
  url: string;
  pid: number;
  /** PostgreSQL backend pids serving this service (read at the start and at the end of each run). */
  dbPids?: () => Promise<number[]>;
  /** Resolves once the server has finished the work the last run left behind. */
  settle: () => Promise<void>;
}

async function runWrk(target: Target, script: string, conns = connections, secs = seconds) {
  const dbPids = (await target.dbPids?.()) ?? [];
  const ticks0 = processTicks(target.pid);
  const db0 = new Map(dbPids.map((pid) => [pid, processTicks(pid)]));
  const machine0 = machineTicks();
  const out = spawnSync('wrk', ['-t2', `-c${conns}`, `-d${secs}s`, '--latency', '-s', script, target.url], {
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`wrk failed: ${out.stderr}`);
  const cpuSeconds = (processTicks(target.pid) - ticks0) / 100;
  // The pool opens and closes connections: a backend that started during the run counts from 0, and
  // one that ended during it is missed (its CPU then goes uncounted, never counted twice).
  const dbPidsAfter = (await target.dbPids?.()) ?? [];
  const dbSeconds =
    [...new Set([...dbPids, ...dbPidsAfter])].reduce((a, pid) => {
      const now = processTicks(pid);
      return a + (now === 0 ? 0 : now - (db0.get(pid) ?? 0));
    }, 0) / 100;
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
  const dbCpuUsPerAnswer = target.dbPids ? (1e6 * dbSeconds) / total : null;
  await target.settle();
  return { rps, answered, p50, p99, errors, cpuUsPerAnswer, dbCpuUsPerAnswer, machineBusy } as WrkResult;
}

function pidOf(proc: ChildProcess): number {
  if (proc.pid === undefined) throw new Error('server process did not start');
  return proc.pid;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await sleep(100);
  }
  throw new Error(`${url} not ready`);
}

/** Waits (at most 60 s) until the process uses under 5% of a core over 300 ms. */
async function quiet(pid: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const t0 = processTicks(pid);
    await sleep(300);
    if (processTicks(pid) - t0 <= 1.5) return;
  }
}

/** Waits until the service holds no acknowledged event outside the database, then until it is quiet. */
async function settleService(port: number, pid: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const status = (await (await fetch(`http://127.0.0.1:${port}/api/status`)).json()) as {
      store?: { pendingEvents?: number };
    };
    if ((status.store?.pendingEvents ?? 0) === 0) break;
    await sleep(200);
  }
  await quiet(pid);
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const done = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await done;
}

async function startService(tree: string, port: number, extra: string[]): Promise<ChildProcess> {
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
    { cwd: tree, stdio: ['ignore', 'inherit', 'inherit'] },
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

/** A fresh database per service; dropped at the end. */
async function withDatabases<T>(count: number, fn: (urls: string[]) => Promise<T>): Promise<T> {
  const names = Array.from({ length: count }, (_, i) => `bench_http_${process.pid}_${i}`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (const name of names) {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
    }
    return await fn(
      names.map((name) => {
        const url = new URL(adminUrl);
        url.pathname = `/${name}`;
        return url.toString();
      }),
    );
  } finally {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/** The pids of the PostgreSQL backends connected to `database` (the server runs on this machine). */
async function backendPids(database: string): Promise<number[]> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const res = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    return res.rows.map((r) => r.pid);
  } finally {
    await admin.end();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const cpuCell = (r: WrkResult) =>
  r.dbCpuUsPerAnswer === null
    ? String(Math.round(r.cpuUsPerAnswer))
    : `${Math.round(r.cpuUsPerAnswer)} + db ${Math.round(r.dbCpuUsPerAnswer)}`;
const rows: string[] = [];
const row = (what: string, r: WrkResult, unit: number, note: string) =>
  rows.push(
    `| ${what} | ${fmt(r.rps * unit)} | ${fmt(r.rps)} | ${fmt(r.answered)} | ${r.p50} | ${r.p99} | ${r.errors} | ${cpuCell(r)} | ${Math.round(100 * r.machineBusy)}% | ${note} |`,
  );
const summary: string[] = [];
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const treeLabel = (tree: string) => (trees.length > 1 ? ` [${basename(tree)}]` : '');

const load0 = loadavg();
const started = new Date().toISOString().slice(11, 16);

let noop: Target | null = null;
let noopProc: ChildProcess | null = null;
{
  noopProc = spawn(process.execPath, ['--import', 'tsx', 'bench/noop-server.ts', '18090'], {
    cwd: root,
    stdio: 'inherit',
  });
  await waitReady('http://127.0.0.1:18090/noop').catch(() => undefined);
  const noopPid = pidOf(noopProc);
  noop = {
    label: 'yardstick',
    url: 'http://127.0.0.1:18090/noop',
    pid: noopPid,
    settle: () => quiet(noopPid),
  };
}

/** The batch yardstick: the same 1,000-record body, only parsed (HTTP and JSON floor, no ingest). */
async function batchYardstick(backend: string): Promise<void> {
  if (noop === null) return;
  const r = await runWrk(
    { ...noop, url: 'http://127.0.0.1:18090/noop-batch' },
    luaPost('batch', batchFile),
    8,
  );
  row(`do-nothing route parsing the 1,000-record body (${backend} run)`, r, 1000, 'yardstick: parse only');
}

/**
 * Y A Y A … Y: each ingest round's share is over the mean of the yardstick rounds before and after it.
 * A short unrecorded run first warms up every server (JIT, connection set-up).
 */
async function alternate(backend: string, services: Target[]): Promise<void> {
  if (noop === null || !wantSingle) return;
  const oneScript = luaPost('one', oneFile);
  const warmSeconds = Math.min(3, seconds);
  for (const t of [noop, ...services]) await runWrk(t, oneScript, connections, warmSeconds);
  const yard: WrkResult[] = [await runWrk(noop, oneScript)];
  const ours: WrkResult[][] = services.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < services.length; i++) ours[i].push(await runWrk(services[i], oneScript));
    yard.push(await runWrk(noop, oneScript));
  }
  for (let round = 0; round <= rounds; round++) {
    row(`do-nothing Fastify route (${backend} run, round ${round})`, yard[round], 1, 'yardstick');
    if (round === rounds) break;
    const around = (yard[round].rps + yard[round + 1].rps) / 2;
    for (let i = 0; i < services.length; i++) {
      const r = ours[i][round];
      const share = `${((100 * r.rps) / around).toFixed(0)}% of the yardstick rounds around it`;
      row(`${backend}: single-event ingest${services[i].label} (round ${round + 1})`, r, 1, share);
    }
  }
  const yardCpu = median(yard.map((r) => r.cpuUsPerAnswer));
  for (let i = 0; i < services.length; i++) {
    const shares = ours[i].map((r, k) => r.rps / ((yard[k].rps + yard[k + 1].rps) / 2));
    const cpu = ours[i].map((r) => r.cpuUsPerAnswer + (r.dbCpuUsPerAnswer ?? 0));
    summary.push(
      `| ${backend}${services[i].label} | ${fmt(median(yard.map((r) => r.rps)))} | ${fmt(median(ours[i].map((r) => r.rps)))} | ` +
        `${shares.map((s) => `${(100 * s).toFixed(0)}%`).join(', ')} | ${(100 * median(shares)).toFixed(0)}% | ` +
        `${Math.round(yardCpu)} | ${Math.round(median(cpu))} | ${((100 * yardCpu) / median(cpu)).toFixed(0)}% |`,
    );
  }
}

for (const backend of (['pglite', 'postgres'] as const).filter((b) => backends.includes(b))) {
  const run = async (databaseUrls: string[]) => {
    const procs: ChildProcess[] = [];
    try {
      const services: Target[] = [];
      for (let i = 0; i < trees.length; i++) {
        const port = 18091 + i;
        const url = databaseUrls[i];
        const proc = await startService(trees[i], port, url === undefined ? [] : ['--database-url', url]);
        procs.push(proc);
        const pid = pidOf(proc);
        services.push({
          label: treeLabel(trees[i]),
          url: `http://127.0.0.1:${port}/api/monitoring/ingest`,
          pid,
          ...(url === undefined ? {} : { dbPids: () => backendPids(new URL(url).pathname.slice(1)) }),
          settle: () => settleService(port, pid),
        });
      }
      await alternate(backend, services);
      if (wantBatch) {
        await batchYardstick(backend);
        for (const s of services) {
          const batch = await runWrk(s, luaPost('batch', batchFile), 8);
          row(
            `${backend}: 1,000-event batches (8 connections)${s.label}`,
            batch,
            1000,
            'events/s = requests/s × 1000',
          );
        }
      }
    } finally {
      for (const proc of procs) await stop(proc);
    }
  };
  if (backend === 'pglite') await run([]);
  else await withDatabases(trees.length, run);
}
if (noopProc !== null) await stop(noopProc);

const load1 = loadavg();
const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
console.log(
  `${started}–${new Date().toISOString().slice(11, 16)} UTC, load average ${loads(load0)} → ${loads(load1)}; ` +
    `trees: ${trees.join(', ')}`,
);
console.log(
  `wrk -t2, ${seconds} s per row, ${connections} connections unless noted; durable before the answer (journal synced).` +
    (wantSingle ? ` Single-event: ${rounds} rounds alternating with the yardstick.` : ''),
);
console.log(
  '| what | accepted events/s | accepted requests/s | answers/s (incl. 503) | p50 | p99 | non-2xx | server CPU µs/answer | machine busy | note |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
if (summary.length > 0) {
  console.log('');
  console.log(
    '| single-event | yardstick req/s (median) | ingest req/s (median) | share per round | median share | yardstick CPU µs/req | ingest CPU µs/req (incl. db) | yardstick CPU ÷ ingest CPU |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const s of summary) console.log(s);
}
rmSync(work, { recursive: true, force: true });
