/**
 * HTTP ingest benchmark: batched ingest events/s (1,000-event batches) and single-event requests/s next
 * to a do-nothing Fastify route, on PGlite and on the server PostgreSQL, using wrk (Debian package) as a
 * second process on loopback. Needs `npm run build` first (the service runs from dist/ as users run it).
 *
 *   npx tsx bench/http.ts [--seconds 10] [--connections 64] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
 *
 * Each run uses a fresh data folder (and, for the server, a fresh database). Prints one markdown table.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
}

function runWrk(url: string, script: string, conns = connections): WrkResult {
  const out = spawnSync('wrk', ['-t2', `-c${conns}`, `-d${seconds}s`, '--latency', '-s', script, url], {
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`wrk failed: ${out.stderr}`);
  const text = out.stdout;
  const answered = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN);
  const p50 = /^\s+50%\s+(\S+)/m.exec(text)?.[1] ?? '?';
  const p99 = /^\s+99%\s+(\S+)/m.exec(text)?.[1] ?? '?';
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  const total = Number(/(\d+) requests in/.exec(text)?.[1] ?? NaN);
  const rps = total > 0 ? (answered * (total - non2xx)) / total : answered;
  const sockErr = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const errors = non2xx + (sockErr ? sockErr.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return { rps, answered, p50, p99, errors };
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
    `| ${what} | ${Math.round(r.rps * unit).toLocaleString('en-US')} | ${Math.round(r.rps).toLocaleString('en-US')} | ${Math.round(r.answered).toLocaleString('en-US')} | ${r.p50} | ${r.p99} | ${r.errors} | ${note} |`,
  );

const noop = spawn(process.execPath, ['--import', 'tsx', 'bench/noop-server.ts', '18090'], {
  cwd: root,
  stdio: 'inherit',
});
await waitReady('http://127.0.0.1:18090/noop').catch(() => undefined);
await new Promise((r) => setTimeout(r, 500));
const noopResult = runWrk('http://127.0.0.1:18090/noop', luaPost('noop', oneFile));
row('do-nothing Fastify route, one record per request', noopResult, 1, 'yardstick');
await stop(noop);

for (const backend of ['pglite', 'postgres'] as const) {
  const run = async (extra: string[]) => {
    const svc = await startService(18091, extra);
    try {
      const ingestUrl = 'http://127.0.0.1:18091/api/monitoring/ingest';
      const single = runWrk(ingestUrl, luaPost('one', oneFile));
      row(
        `${backend}: single-event ingest`,
        single,
        1,
        `${((100 * single.rps) / noopResult.rps).toFixed(0)}% of do-nothing`,
      );
      const batch = runWrk(ingestUrl, luaPost('batch', batchFile), 8);
      row(`${backend}: 1,000-event batches (8 connections)`, batch, 1000, 'events/s = requests/s × 1000');
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
  '| what | accepted events/s | accepted requests/s | answers/s (incl. 503) | p50 | p99 | non-2xx | note |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
rmSync(work, { recursive: true, force: true });
