import { isFailedExecution, isTerminal, type ExecutionEvent, type TelemetryEvent } from '../domain/index.js';

// Bounds: executions followed at once (the oldest is forgotten first) and lines kept per execution.
const MAX_EXECUTIONS = 10_000;
const MAX_LINES = 200;

/** What a failed execution left behind: its stages' states and its error and warning lines. */
export interface Trail {
  pipeline_id: string;
  execution_id: string;
  /** Stage name → its latest status word. */
  stages: Map<string, string>;
  lines: string[];
  /** The failed state, once seen, and when it is due for analysis (clock ms). */
  failed: ExecutionEvent | null;
  dueAt: number;
}

/**
 * Follows the executions in flight from the accepted events, so a failed one can be explained from
 * what it logged without reading the event table back: stage states, ERROR/WARN lines, error messages.
 * An execution that ends well is forgotten; a failed one waits `settleMs` for its late lines.
 */
export class ExecutionTrails {
  private readonly trails = new Map<string, Trail>();

  constructor(private readonly settleMs: number) {}

  /** Takes one accepted event in at clock time `now`. */
  observe(event: TelemetryEvent, now: number): void {
    if (event.kind === 'metric' || event.execution_id === null) return;
    const trail = this.trailOf(event.pipeline_id, event.execution_id);
    switch (event.kind) {
      case 'stage':
        trail.stages.set(event.stage_name, event.status);
        if (event.error_message !== null) addLine(trail, event.error_message);
        return;
      case 'log':
        if (event.level === 'ERROR' || event.level === 'WARN') addLine(trail, event.message);
        return;
      case 'execution':
        if (event.error_message !== null) addLine(trail, event.error_message);
        for (const m of event.stage_errors) addLine(trail, m);
        if (!isTerminal(event.status)) return;
        if (isFailedExecution(event)) {
          trail.failed = event;
          trail.dueAt = now + this.settleMs;
        } else {
          this.trails.delete(keyOf(event.pipeline_id, event.execution_id));
        }
    }
  }

  /** Failed executions due at `now` (all of them with `now` = Infinity), taken out of the trails. */
  takeDue(now: number): Trail[] {
    const due: Trail[] = [];
    for (const [key, t] of this.trails) {
      if (t.failed !== null && t.dueAt <= now) {
        due.push(t);
        this.trails.delete(key);
      }
    }
    return due;
  }

  /** Takes out the failed execution with this id whether due or not (an analysis asked for now). */
  take(executionId: string): Trail | undefined {
    for (const [key, t] of this.trails) {
      if (t.execution_id === executionId && t.failed !== null) {
        this.trails.delete(key);
        return t;
      }
    }
    return undefined;
  }

  private trailOf(pipelineId: string, executionId: string): Trail {
    const key = keyOf(pipelineId, executionId);
    let t = this.trails.get(key);
    if (t === undefined) {
      if (this.trails.size >= MAX_EXECUTIONS) {
        const oldest = this.trails.keys().next().value;
        if (oldest !== undefined) this.trails.delete(oldest);
      }
      t = {
        pipeline_id: pipelineId,
        execution_id: executionId,
        stages: new Map(),
        lines: [],
        failed: null,
        dueAt: 0,
      };
      this.trails.set(key, t);
    }
    return t;
  }
}

function keyOf(pipelineId: string, executionId: string): string {
  return `${pipelineId}\u0000${executionId}`;
}

function addLine(t: Trail, line: string): void {
  if (t.lines.length < MAX_LINES) t.lines.push(line);
}
