/**
 * Recovery as operators count it: how long from a fault's start until the pipeline runs healthy
 * again (and stays so), and how many runs failed meanwhile. Judged on the runs themselves, not on
 * the simulator's episode bounds, so a fix that makes runs healthy counts even while the cause
 * lasts, and a paused pipeline has not recovered until it runs healthy again.
 */
import type { FaultEpisode } from './types.js';

/** A finished run as the fleet's execution events report it. */
export interface FinishedRun {
  pipeline_id: string;
  started_at: number;
  finished_at: number;
  status: 'completed' | 'failed' | 'cancelled';
  stage_failures: number;
  duration_seconds: number;
}

/** How one episode went for its pipeline. */
export interface EpisodeRecovery {
  fault_id: string;
  /** A run started while the fault lasted was unhealthy. */
  impacted: boolean;
  /** When the first healthy run after the last unhealthy one finished; null: none within the window. */
  recovered_at: number | null;
  /**
   * recovered_at − start, in ms: 0 when no run was unhealthy and one ran healthy; the window's
   * length when no healthy run came (a pipeline that stopped running has not recovered).
   */
  time_to_recover_ms: number;
  /** Runs started from the episode's start until the healthy one that ended it that failed (or had a stage fail). */
  failed_runs: number;
}

/** A run slower than this × its pipeline's median healthy duration is not healthy. */
export const SLOW_FACTOR = 2;

const failed = (r: FinishedRun): boolean => r.status === 'failed' || r.stage_failures > 0;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Infinity : s[Math.floor((s.length - 1) / 2)];
}

/**
 * Each episode's recovery. A run belongs to the episode window from its start to the next
 * episode's start on that pipeline (else `horizon`); it is unhealthy when it failed or took more
 * than SLOW_FACTOR × the pipeline's median duration over runs outside every window. The last
 * unhealthy run started before the episode's end marks the harm; the first healthy run after it
 * ends the recovery. Cancelled runs are not judged.
 */
export function episodeRecoveries(
  episodes: readonly FaultEpisode[],
  runs: readonly FinishedRun[],
  horizon: number,
): EpisodeRecovery[] {
  const byPipeline = new Map<string, FaultEpisode[]>();
  for (const e of episodes) byPipeline.set(e.pipeline_id, [...(byPipeline.get(e.pipeline_id) ?? []), e]);
  const windowEnd = (e: FaultEpisode): number =>
    Math.min(
      horizon,
      ...(byPipeline.get(e.pipeline_id) ?? []).filter((o) => o.start > e.start).map((o) => o.start),
    );
  const judged = runs.filter((r) => r.status !== 'cancelled');
  const inAnyWindow = (r: FinishedRun): boolean =>
    (byPipeline.get(r.pipeline_id) ?? []).some((e) => r.started_at >= e.start && r.started_at < windowEnd(e));
  const normal = new Map<string, number>();
  for (const id of new Set(judged.map((r) => r.pipeline_id)))
    normal.set(
      id,
      median(
        judged
          .filter((r) => r.pipeline_id === id && !failed(r) && !inAnyWindow(r))
          .map((r) => r.duration_seconds),
      ),
    );
  return episodes.map((e) => {
    const limit = normal.get(e.pipeline_id) ?? Infinity;
    const unhealthy = (r: FinishedRun): boolean => failed(r) || r.duration_seconds > SLOW_FACTOR * limit;
    const end = windowEnd(e);
    const mine = judged
      .filter((r) => r.pipeline_id === e.pipeline_id && r.started_at >= e.start && r.started_at < end)
      .sort((a, b) => a.started_at - b.started_at);
    // The fault's harm: unhealthy runs started while it lasted (`end` moves earlier when a fix
    // removed the cause); a stray failure hours later is not its doing.
    const lastBad = mine.findLastIndex((r) => r.started_at < e.end && unhealthy(r));
    // A pipeline that does not run (paused, say) has not recovered, whatever it did before.
    const healthy = mine.slice(lastBad + 1).find((r) => !unhealthy(r));
    const recovered = healthy?.finished_at ?? null;
    const until = healthy?.started_at ?? end;
    return {
      fault_id: e.fault_id,
      impacted: lastBad >= 0,
      recovered_at: recovered,
      time_to_recover_ms: lastBad < 0 && recovered !== null ? 0 : (recovered ?? end) - e.start,
      failed_runs: mine.filter((r) => r.started_at < until && failed(r)).length,
    };
  });
}
