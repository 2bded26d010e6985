import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { evaluateLogMining, registerEvalLogs } from './eval-logs.js';

let dir = '';
const STRUCTURED = [
  'LineId,Level,Content,EventId',
  '1,INFO,"Received block blk_1 of size 67108864 from /10.0.0.1",E1',
  '2,INFO,"Received block blk_2 of size 512 from /10.0.0.2",E1',
  '3,WARN,"Slow write, took 1200 ms",E2',
  '4,INFO,"Ending TrustedInstaller initialization.",E3',
  '5,INFO,"Ending TrustedInstaller finalization.",E4',
].join('\n');
const RAW = [
  '2024-01-02 10:00:00 INFO dfs: Received block blk_1 of size 67108864 from /10.0.0.1',
  '2024-01-02 10:00:01 INFO dfs: Received block blk_2 of size 512 from /10.0.0.2',
  'garbage without a header',
  '2024-01-02 10:00:02 WARN dfs: Slow write, took 1200 ms',
  '2024-01-02 10:00:03 INFO cbs: Ending TrustedInstaller initialization.',
  '2024-01-02 10:00:04 INFO cbs: Ending TrustedInstaller finalization.',
].join('\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eval-logs-'));
  await writeFile(join(dir, 'tiny_structured.csv'), STRUCTURED);
  await writeFile(join(dir, 'tiny.log'), RAW);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('evaluateLogMining', () => {
  it('scores the final grouping and counts templates', () => {
    const r = evaluateLogMining({ lines: ['a 1', 'a 2', 'b c', 'b d'], truth: ['E1', 'E1', 'E2', 'E3'] }, 3);
    expect(r).toMatchObject({ lines: 4, templates: 3, grouping_accuracy: 1 });
    expect(r.lines_per_s).toBeGreaterThan(0);
  });

  it('gives a null accuracy without true groups', () => {
    expect(evaluateLogMining({ lines: ['x'], truth: null }).grouping_accuracy).toBeNull();
  });
});

describe('eval logs command', () => {
  async function run(args: string[]): Promise<Record<string, unknown>> {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const program = new Command().exitOverride();
    registerEvalLogs(program.command('eval'));
    await program.parseAsync(['eval', 'logs', ...args], { from: 'user' });
    return JSON.parse(String(out.mock.calls[0][0])) as Record<string, unknown>;
  }

  it('mines the Content column of a structured file and scores it against EventId', async () => {
    const r = await run(['--structured', join(dir, 'tiny_structured.csv')]);
    expect(r).toMatchObject({ lines: 5, templates: 4, grouping_accuracy: 1 });
  });

  it('mines a raw log through a Loghub format, leaving out lines that do not fit', async () => {
    const r = await run([
      '--structured',
      join(dir, 'tiny_structured.csv'),
      '--log',
      join(dir, 'tiny.log'),
      '--format',
      '<Date> <Time> <Level> <Component>: <Content>',
    ]);
    expect(r).toMatchObject({ lines: 5, grouping_accuracy: 1 });
  });

  it('refuses a call without input, naming the option', async () => {
    await expect(run([])).rejects.toThrow(/--structured FILE, --log FILE/);
  });
});
