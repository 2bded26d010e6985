import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDataDir } from '../helpers/pglite.js';

// The real `flexiroaster serve` in a child process: what it acknowledged must survive SIGKILL.
const root = new URL('../..', import.meta.url).pathname;
let dataDir: string;
let child: ChildProcess | null = null;
const port = 20_000 + Math.floor((process.pid * 7919) % 20_000);
const base = `http://127.0.0.1:${port}`;

function serve(): ChildProcess {
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--no-demo',
      '--log-level',
      'warn',
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  proc.stderr?.resume();
  return proc;
}

async function ready(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('service did not become ready within 30 s');
}

function exited(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve(proc.exitCode);
    else proc.once('exit', (code) => resolve(code));
  });
}

/** The snapshot once the restarted service has refilled its windows (503 while it warms up after ready). */
async function snapshot(
  pipelineId: string,
): Promise<{ sampled_events: number; metrics: { failure_rate: number } }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`${base}/api/monitoring/${pipelineId}/snapshot`);
    if (res.status !== 503 || Date.now() > deadline) {
      expect(res.status).toBe(200);
      return (await res.json()) as { sampled_events: number; metrics: { failure_rate: number } };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ingest = (body: unknown) =>
  fetch(`${base}/api/monitoring/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  dataDir = await freshDataDir();
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('restart', () => {
  it('keeps every acknowledged event across SIGKILL, and counts an updated execution once', async () => {
    child = serve();
    await ready();
    const runs = Array.from({ length: 40 }, (_, i) => ({
      type: 'execution',
      pipeline_id: 'durable',
      execution_id: `run-${i}`,
      status: 'running',
    }));
    expect((await ingest(runs)).status).toBe(200);
    const done = runs.map((r, i) => ({
      ...r,
      status: i % 4 === 0 ? 'failed' : 'completed',
      duration_seconds: 10 + i,
    }));
    expect((await ingest(done)).status).toBe(200);
    for (let i = 0; i < 10; i++)
      expect((await ingest({ pipeline_id: 'durable', duration_seconds: 5 })).status).toBe(200);

    child.kill('SIGKILL');
    await exited(child);
    child = serve();
    await ready();
    const snap = await snapshot('durable');
    expect(snap.sampled_events).toBe(50);
    expect(snap.metrics.failure_rate).toBeCloseTo(10 / 50, 10);

    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    child = serve();
    await ready();
    const again = await snapshot('durable');
    expect(again.sampled_events).toBe(50);
    child.kill('SIGTERM');
    await exited(child);
    child = null;
  }, 90_000);
});
