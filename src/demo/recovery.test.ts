import { describe, expect, it } from 'vitest';
import { episodeRecoveries, type FinishedRun } from './recovery.js';
import type { FaultEpisode } from './types.js';

const MIN = 60_000;
const episode = (start: number, id = 'e1', pipeline = 'p'): FaultEpisode => ({
  fault_id: id,
  fault: 'oom',
  pipeline_id: pipeline,
  start: start * MIN,
  end: (start + 30) * MIN,
});
/** A run starting at minute `at`, lasting `seconds`. */
const run = (
  at: number,
  status: FinishedRun['status'] = 'completed',
  seconds = 60,
  pipeline = 'p',
): FinishedRun => ({
  pipeline_id: pipeline,
  started_at: at * MIN,
  finished_at: at * MIN + seconds * 1000,
  status,
  stage_failures: 0,
  duration_seconds: seconds,
});
const healthyBefore = [run(0), run(10), run(20), run(30)];

describe('episodeRecoveries', () => {
  it('recovers when the first healthy run after the last unhealthy one finishes; counts the failed runs', () => {
    const runs = [...healthyBefore, run(100, 'failed'), run(110), run(120, 'failed'), run(130), run(140)];
    const [r] = episodeRecoveries([episode(100)], runs, 1000 * MIN);
    // A healthy run in between (110) does not end it: the fault was back at 120.
    expect(r).toEqual({
      fault_id: 'e1',
      impacted: true,
      recovered_at: 130 * MIN + 60_000,
      time_to_recover_ms: 31 * MIN,
      failed_runs: 2,
    });
  });

  it('a run slower than twice the normal duration is not healthy, nor one with a failed stage', () => {
    const slow = run(100, 'completed', 200);
    const partial = { ...run(110), stage_failures: 1 };
    const [r] = episodeRecoveries(
      [episode(100)],
      [...healthyBefore, slow, partial, run(120, 'completed', 100)],
      1e9,
    );
    expect(r.recovered_at).toBe(120 * MIN + 100_000);
    expect(r.failed_runs).toBe(1);
  });

  it('a pipeline that stops running has not recovered: the window runs to the next episode or the horizon', () => {
    const runs = [...healthyBefore, run(100, 'failed'), run(105, 'cancelled')];
    const eps = [episode(100), episode(300, 'e2')];
    const [first, second] = episodeRecoveries(eps, runs, 500 * MIN);
    expect(first).toMatchObject({
      impacted: true,
      recovered_at: null,
      time_to_recover_ms: 200 * MIN,
      failed_runs: 1,
    });
    expect(second).toMatchObject({ impacted: false, recovered_at: null, time_to_recover_ms: 200 * MIN });
  });

  it('a failure long after the episode ended is not its doing', () => {
    const runs = [...healthyBefore, run(100, 'failed'), run(110), run(200, 'failed'), run(210)];
    const [r] = episodeRecoveries([episode(100)], runs, 1e9);
    expect(r).toMatchObject({ recovered_at: 110 * MIN + 60_000, failed_runs: 1 });
  });

  it('an episode that did no harm recovers at once; other pipelines do not count', () => {
    const runs = [...healthyBefore, run(100), run(100, 'failed', 60, 'q'), run(0, 'completed', 60, 'q')];
    const [r] = episodeRecoveries([episode(100)], runs, 1e9);
    expect(r).toMatchObject({ impacted: false, time_to_recover_ms: 0, failed_runs: 0 });
  });
});
