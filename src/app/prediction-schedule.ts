import { Cron } from 'croner';
import { AppError, toError } from '../shared/index.js';

/** The first time a cron expression (UTC) fires strictly after `after`, or null when it never does. */
export function nextCronTime(expression: string, after: number): number | null {
  const next = new Cron(expression, { timezone: 'UTC' }).nextRun(new Date(after));
  return next === null ? null : next.getTime();
}

/** Checks a cron expression at start; a bad one is a CONFIG_INVALID naming the option. */
export function checkCron(expression: string, option: string): void {
  try {
    nextCronTime(expression, 0);
  } catch (err) {
    throw new AppError(
      'CONFIG_INVALID',
      `${option}: "${expression}" is not a cron expression (${toError(err).message})`,
      {
        field: option,
        cause: err,
      },
    );
  }
}

/** A scheduled pipeline as the planner sees it. */
export interface ScheduledPipeline {
  pipeline_id: string;
  schedule_cron: string | null;
  is_active: boolean;
}

/** A preflight to run now: the pipeline and the start it is for. */
export interface DuePreflight {
  pipeline_id: string;
  planned_at: number;
}

/**
 * Says which scheduled runs are within the lead time and not yet preflighted, once each. A pipeline
 * whose cron cannot be read is reported once and skipped.
 */
export class PreflightPlanner {
  private readonly done = new Map<string, number>();
  private readonly badCron = new Set<string>();

  constructor(
    private readonly leadMs: number,
    private readonly onBadCron: (pipelineId: string, err: Error) => void,
  ) {}

  due(pipelines: readonly ScheduledPipeline[], now: number): DuePreflight[] {
    const out: DuePreflight[] = [];
    for (const p of pipelines) {
      if (!p.is_active || p.schedule_cron === null || p.schedule_cron.trim() === '') continue;
      let next: number | null;
      try {
        next = nextCronTime(p.schedule_cron, now);
      } catch (err) {
        const key = `${p.pipeline_id}\u0000${p.schedule_cron}`;
        if (!this.badCron.has(key)) {
          this.badCron.add(key);
          this.onBadCron(p.pipeline_id, toError(err));
        }
        continue;
      }
      if (next === null || next - now > this.leadMs) continue;
      if (this.done.get(p.pipeline_id) === next) continue;
      this.done.set(p.pipeline_id, next);
      out.push({ pipeline_id: p.pipeline_id, planned_at: next });
    }
    return out;
  }
}

/** When the next retraining is due, from a cron expression; `take` says whether it is due now. */
export class RetrainSchedule {
  private nextAt: number | null;

  constructor(
    private readonly expression: string,
    now: number,
  ) {
    this.nextAt = nextCronTime(expression, now);
  }

  get next(): number | null {
    return this.nextAt;
  }

  /** True once per firing whose time has come; moves on to the following one. */
  take(now: number): boolean {
    if (this.nextAt === null || now < this.nextAt) return false;
    this.nextAt = nextCronTime(this.expression, now);
    return true;
  }
}
