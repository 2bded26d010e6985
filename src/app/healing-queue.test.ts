import { describe, expect, it } from 'vitest';
import { PipelineQueues } from './healing-queue.js';

describe('PipelineQueues', () => {
  it('runs one job of a pipeline at a time, pipelines side by side, and drops or replaces as told', async () => {
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const q = new PipelineQueues<string>(
      async (pipeline, job) => {
        running++;
        most = Math.max(most, running);
        log.push(`${pipeline}:${job}`);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      },
      (queued, incoming) => queued.startsWith('decide') && incoming.startsWith('decide'),
      (queued, incoming) => queued === 'verify' && incoming === 'verify',
    );
    q.enqueue('a', 'decide-1');
    q.enqueue('a', 'verify');
    q.enqueue('a', 'verify');
    q.enqueue('a', 'decide-2');
    q.enqueue('a', 'decide-3');
    q.enqueue('b', 'decide-1');
    await q.flush();
    // decide-1 started at once; decide-3 replaced decide-2; the second verify was redundant.
    expect(log.filter((l) => l.startsWith('a:'))).toEqual(['a:decide-1', 'a:verify', 'a:decide-3']);
    expect(log).toContain('b:decide-1');
    expect(most).toBe(2);
    await q.close();
    q.enqueue('a', 'decide-4');
    await q.flush();
    expect(log).not.toContain('a:decide-4');
  });
});
