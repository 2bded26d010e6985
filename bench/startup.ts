/**
 * Start-up benchmark: time from process start to `/readyz` 200 with the demo on, first on an empty data
 * folder, then (after the first run's demo backfill has landed) reopening the same folder. Needs
 * `npm run build` first (the service runs from dist/ as users run it). Run it under the bench lock:
 *
 *   flock /tmp/bench.lock npx tsx bench/startup.ts [--later 2] [--settle 30] [--port 18095] [--keep] [--node-arg --cpu-prof ...]
 *
 * Each start: spawn `node bin/flexiroaster.js serve --data-dir D`, poll /readyz every 50 ms, then SIGINT
 * and wait for the exit. Prints wall time to ready and the process's CPU time at that moment (user +
 * system of all its threads, from /proc; the steadier figure on a shared machine), and the
 * `startup_ms` the service logs itself, with its `startup_steps_ms` (when each start step was done,
 * in ms since the process started: modules loaded, store open, core built, app built, listening). `--settle S` waits S seconds after the first start before
 * stopping it, so the demo's two hours of backfill are in the store when the later starts read it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : String(args[i + 1]);
};
const nodeArgs = args.flatMap((a, i) => (args[i - 1] === '--node-arg' ? [a] : []));
const later = Number(arg('later', '2'));
const settleMs = Number(arg('settle', '30')) * 1000;
const port = Number(arg('port', '18095'));
const root = new URL('..', import.meta.url).pathname;
const keep = args.includes('--keep');
const dataDir = mkdtempSync(join(tmpdir(), 'flexiroaster-bench-startup-'));
const base = `http://127.0.0.1:${port}`;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** The fields of the service's log lines read here. */
type LogLine = Record<string, number> & { startup_steps_ms?: Record<string, number> };

interface StartResult {
  wallMs: number;
  cpuMs: number;
  loggedMs: number | null;
  /** From process start until the history refilled the live state (logged once it has, after ready). */
  warmMs: number | null;
  replayed: number | null;
  /** The service's own marks: ms since its process started, per start step (startup_steps_ms). */
  steps: Record<string, number> | null;
}

/** utime + stime of a process (all threads), in ms. */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

async function ready(): Promise<boolean> {
  try {
    return (await fetch(`${base}/readyz`)).ok;
  } catch {
    return false;
  }
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const done = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGINT');
  await done;
}

async function startOnce(settle: number): Promise<StartResult> {
  const t0 = performance.now();
  const proc = spawn(
    process.execPath,
    [...nodeArgs, 'bin/flexiroaster.js', 'serve', '--data-dir', dataDir, '--port', String(port)],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let log = '';
  proc.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  try {
    while (!(await ready())) {
      if (proc.exitCode !== null) throw new Error(`service exited with ${proc.exitCode}:\n${log}`);
      if (performance.now() - t0 > 180_000) throw new Error('not ready after 180 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    const wallMs = performance.now() - t0;
    const cpuMs = cpuMsOf(proc.pid ?? 0);
    // Wait for the warm start to finish (or the settle time), so its figures are in the log.
    const until = performance.now() + Math.max(settle, 0);
    while (performance.now() < until || (!log.includes('"warm_ms"') && performance.now() - t0 < 180_000)) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const line = (key: string) => {
      const found = log.split('\n').find((l) => l.includes(`"${key}"`));
      return found ? (JSON.parse(found) as LogLine) : null;
    };
    const warm = line('warm_ms');
    return {
      wallMs,
      cpuMs,
      loggedMs: line('startup_ms')?.startup_ms ?? null,
      warmMs: warm === null ? null : wallMs - (line('startup_ms')?.startup_ms ?? 0) + warm.warm_ms,
      replayed: warm?.replayed_events ?? null,
      steps: line('startup_ms')?.startup_steps_ms ?? null,
    };
  } finally {
    await stop(proc);
  }
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const fmt = (what: string, r: StartResult) =>
  `${what}: ${Math.round(r.wallMs)} ms to ready (CPU ${Math.round(r.cpuMs)} ms; logged startup_ms ${r.loggedMs}); ` +
  `live state warm after ≈${r.warmMs === null ? '?' : Math.round(r.warmMs)} ms (${r.replayed} events replayed)` +
  (r.steps === null ? '' : `; steps at ms ${JSON.stringify(r.steps)}`);

console.log(`load average before: ${load()}  (${new Date().toISOString()})`);
try {
  console.log(fmt('first start (empty data folder)', await startOnce(settleMs)));
  for (let i = 0; i < later; i++) console.log(fmt('later start', await startOnce(0)));
} finally {
  if (keep) console.log(`data folder kept: ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
}
console.log(`load average after: ${load()}`);
