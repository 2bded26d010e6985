import { isFailedExecution, isTerminal, type ExecutionEvent, type TelemetryEvent } from '../domain/index.js';

// Bounds: executions followed at once and characters kept over all of them (the oldest execution is
// forgotten first), lines per execution and characters per line (the classifier reads no more).
const MAX_EXECUTIONS = 10_000;
const MAX_CHARS = 64 * 1024 * 1024;
const MAX_LINES = 200;
const MAX_LINE_CHARS = 8192;

/** What a failed execution left behind: its stages' states and its error and warning lines. */
export interface Trail {
  pipeline_id: string;
  execution_id: string;
  /** Stage name → its latest status word. */
  stages: Map<string, string>;
  lines: string[];
  /** Characters in `lines`. */
  chars: number;
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
  private chars = 0;

  constructor(private readonly settleMs: number) {}

  /** Takes one accepted event in at clock time `now`. */
  observe(event: TelemetryEvent, now: number): void {
    if (event.kind === 'metric' || event.execution_id === null) return;
    const trail = this.trailOf(event.pipeline_id, event.execution_id);
    switch (event.kind) {
      case 'stage':
        trail.stages.set(event.stage_name, event.status);
        if (event.error_message !== null) this.addLine(trail, event.error_message);
        return;
      case 'log':
        if (event.level === 'ERROR' || event.level === 'WARN') this.addLine(trail, event.message);
        return;
      case 'execution':
        if (event.error_message !== null) this.addLine(trail, event.error_message);
        for (const m of event.stage_errors) this.addLine(trail, m);
        if (!isTerminal(event.status)) return;
        if (isFailedExecution(event)) {
          trail.failed = event;
          trail.dueAt = now + this.settleMs;
        } else {
          this.forget(keyOf(event.pipeline_id, event.execution_id));
        }
    }
  }

  /** Failed executions due at `now` (all of them with `now` = Infinity), taken out of the trails. */
  takeDue(now: number): Trail[] {
    const due: Trail[] = [];
    for (const [key, t] of this.trails) {
      if (t.failed !== null && t.dueAt <= now) {
        due.push(t);
        this.forget(key);
      }
    }
    return due;
  }

  /** Takes out the failed execution with this id whether due or not (an analysis asked for now). */
  take(executionId: string): Trail | undefined {
    for (const [key, t] of this.trails) {
      if (t.execution_id === executionId && t.failed !== null) {
        this.forget(key);
        return t;
      }
    }
    return undefined;
  }

  private trailOf(pipelineId: string, executionId: string): Trail {
    const key = keyOf(pipelineId, executionId);
    let t = this.trails.get(key);
    if (t === undefined) {
      if (this.trails.size >= MAX_EXECUTIONS) this.forgetOldest();
      t = {
        pipeline_id: pipelineId,
        execution_id: executionId,
        stages: new Map(),
        lines: [],
        chars: 0,
        failed: null,
        dueAt: 0,
      };
      this.trails.set(key, t);
    }
    return t;
  }

  private addLine(t: Trail, message: string): void {
    if (t.lines.length >= MAX_LINES) return;
    const line = message.length > MAX_LINE_CHARS ? message.slice(0, MAX_LINE_CHARS) : message;
    t.lines.push(line);
    t.chars += line.length;
    this.chars += line.length;
    while (this.chars > MAX_CHARS && this.trails.size > 1) this.forgetOldest();
  }

  private forgetOldest(): void {
    const oldest = this.trails.keys().next().value;
    if (oldest !== undefined) this.forget(oldest);
  }

  private forget(key: string): void {
    const t = this.trails.get(key);
    if (t === undefined) return;
    this.chars -= t.chars;
    this.trails.delete(key);
  }
}

function keyOf(pipelineId: string, executionId: string): string {
  return `${pipelineId}\u0000${executionId}`;
}
