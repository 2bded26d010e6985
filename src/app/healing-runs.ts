import type { TelemetryEvent } from '../domain/index.js';
import type { RunAfter, StageContext } from '../healing/index.js';

/** What the loop knows about one run. */
interface Run extends RunAfter {
  execution_id: string;
  failed_stage: string | null;
}

interface PipelineRuns {
  /** Latest state per execution, oldest first by first sight. */
  runs: Map<string, Run>;
  stages: Map<string, StageContext>;
}

/** Runs remembered per pipeline (enough to verify an action and name the failing stage). */
const RUNS_PER_PIPELINE = 200;

/**
 * The runs of every pipeline as they are ingested: their states for verification (act → wait →
 * judge the runs started after), the execution and stage that failed last, and which stages the
 * source marks critical.
 */
export class RunTracker {
  private readonly pipelines = new Map<string, PipelineRuns>();

  /** Takes in one event (executions and stages; others are ignored). */
  observe(e: TelemetryEvent): void {
    if (e.kind === 'execution' && e.execution_id !== null) {
      const p = this.pipeline(e.pipeline_id);
      const prev = p.runs.get(e.execution_id);
      const started = e.started_at ?? prev?.started_at ?? e.event_time;
      const finished = e.status === 'completed' || e.status === 'failed' || e.status === 'cancelled';
      p.runs.set(e.execution_id, {
        execution_id: e.execution_id,
        status: e.status,
        started_at: started,
        finished_at: finished ? (e.completed_at ?? e.event_time) : null,
        failed_stage: prev?.failed_stage ?? null,
      });
      if (p.runs.size > RUNS_PER_PIPELINE) p.runs.delete(p.runs.keys().next().value as string);
    } else if (e.kind === 'stage') {
      const p = this.pipeline(e.pipeline_id);
      p.stages.set(e.stage_name, { id: e.stage_id, name: e.stage_name, is_critical: e.is_critical });
      if (e.status === 'failed') {
        const run = p.runs.get(e.execution_id);
        if (run !== undefined) run.failed_stage = e.stage_name;
      }
    }
  }

  /** Ids of the pipeline's runs seen so far (what an action must not be judged on). */
  runIds(pipelineId: string): Set<string> {
    return new Set(this.pipelines.get(pipelineId)?.runs.keys() ?? []);
  }

  /** The pipeline's runs started at or after `sinceMs`, except those in `known`. */
  runsSince(pipelineId: string, sinceMs: number, known: ReadonlySet<string> = new Set()): RunAfter[] {
    const p = this.pipelines.get(pipelineId);
    if (p === undefined) return [];
    const out: RunAfter[] = [];
    for (const r of p.runs.values())
      if (r.started_at >= sinceMs && !known.has(r.execution_id))
        out.push({ status: r.status, started_at: r.started_at, finished_at: r.finished_at });
    return out;
  }

  /** The latest failed run (by finish time) and the stage that failed in it, if any. */
  lastFailure(pipelineId: string): { execution_id: string; stage: string | null } | null {
    const p = this.pipelines.get(pipelineId);
    let last: Run | null = null;
    for (const r of p?.runs.values() ?? [])
      if (r.status === 'failed' && (last === null || (r.finished_at ?? 0) >= (last.finished_at ?? 0)))
        last = r;
    return last === null ? null : { execution_id: last.execution_id, stage: last.failed_stage };
  }

  /** The latest run still going, if any. */
  running(pipelineId: string): string | null {
    const p = this.pipelines.get(pipelineId);
    let found: Run | null = null;
    for (const r of p?.runs.values() ?? [])
      if (r.finished_at === null && (found === null || r.started_at >= found.started_at)) found = r;
    return found?.execution_id ?? null;
  }

  /** Stages seen in the pipeline's stage events, with their criticality. */
  stages(pipelineId: string): StageContext[] {
    return [...(this.pipelines.get(pipelineId)?.stages.values() ?? [])];
  }

  private pipeline(id: string): PipelineRuns {
    let p = this.pipelines.get(id);
    if (p === undefined) {
      p = { runs: new Map(), stages: new Map() };
      this.pipelines.set(id, p);
    }
    return p;
  }
}
