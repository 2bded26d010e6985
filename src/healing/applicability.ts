import { nextOnLadder } from './actions.js';
import { defaultAction } from './params.js';
import { retryBlocker } from './retry.js';
import type { ActionSpec, Escalation, HealingContext, LadderStep } from './types.js';

/** The stage an action targets: its `stage` parameter, else the failing stage. */
export function targetStage(spec: ActionSpec, ctx: HealingContext): string | null {
  if (spec.action === 'retry_stage' || spec.action === 'skip_stage')
    return spec.params.stage ?? ctx.failing_stage;
  return ctx.failing_stage;
}

/**
 * Why the action cannot be taken in this context, or null when it can: no retry when the dominant
 * error is one a retry never fixes or the pipeline is paused, no skip of a critical (or unknown)
 * stage, no rollback without an earlier version or of a paused pipeline, nothing to terminate, pause
 * or resume.
 */
export function notApplicable(spec: ActionSpec, ctx: HealingContext): string | null {
  switch (spec.action) {
    case 'retry_stage': {
      // The orchestrator starts no run of a paused pipeline (409).
      if (!ctx.pipeline.is_active) return 'the pipeline is paused';
      const permanent = retryBlocker(ctx.signatures);
      return permanent === null ? null : `a ${permanent} error is not worth retrying`;
    }
    case 'rollback_pipeline':
      if (ctx.pipeline.version !== null && ctx.pipeline.version <= 1)
        return 'the pipeline has no earlier definition version';
      // Its next runs judge a rollback; a paused pipeline has none.
      return ctx.pipeline.is_active ? null : 'the pipeline is paused';
    case 'skip_stage': {
      const name = targetStage(spec, ctx);
      if (name === null) return 'no failing stage known to skip';
      const stage = ctx.pipeline.stages.find((s) => s.name === name || s.id === name);
      if (stage === undefined) return `stage "${name}" is not known to be non-critical`;
      return stage.is_critical ? `stage "${name}" is critical` : null;
    }
    case 'terminate_execution':
      return ctx.execution_id === null ? 'no execution to terminate' : null;
    case 'pause_pipeline':
      return ctx.pipeline.is_active ? null : 'the pipeline is already paused';
    case 'resume_pipeline':
      return ctx.pipeline.is_active ? 'the pipeline is already active' : null;
    default:
      return null;
  }
}

/**
 * Where the ladder goes after `action` in this context: the next rung that applies here (with its
 * default parameters), or `escalate_to_human` past the top.
 */
export function nextApplicable(action: LadderStep, ctx: HealingContext): Escalation {
  let step = nextOnLadder(action);
  while (step !== 'escalate_to_human' && notApplicable(defaultAction(step), ctx) !== null)
    step = nextOnLadder(step);
  return step;
}
