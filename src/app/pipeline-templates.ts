import type { PipelineTemplateRow } from '../ports/index.js';

// Times of first sightings kept per pipeline; a flood of new templates is signal enough at this many.
const MAX_NEW_TIMES = 10_000;

/**
 * How often each pipeline produced each template, and when a pipeline produced a template for the
 * first time (the new-template rate: a pipeline that starts printing lines it never printed before
 * has changed, or is failing in a new way).
 */
export class PipelineTemplates {
  private readonly byPipeline = new Map<string, Map<string, PipelineTemplateRow>>();
  private readonly firstSightings = new Map<string, number[]>();

  constructor(private readonly windowMs: number) {}

  /** Takes a stored row back in at start (not a first sighting). */
  restore(row: PipelineTemplateRow): void {
    this.rowsOf(row.pipeline_id).set(row.template_id, { ...row });
  }

  /** Counts one line of `templateId` at event time `at`, seen at clock time `now`. */
  count(pipelineId: string, templateId: string, at: number, now: number): void {
    const rows = this.rowsOf(pipelineId);
    const row = rows.get(templateId);
    if (row === undefined) {
      rows.set(templateId, {
        template_id: templateId,
        pipeline_id: pipelineId,
        count: 1,
        first_seen: at,
        last_seen: at,
      });
      let times = this.firstSightings.get(pipelineId);
      if (times === undefined) this.firstSightings.set(pipelineId, (times = []));
      if (times.length >= MAX_NEW_TIMES) times.shift();
      times.push(now);
      return;
    }
    row.count++;
    if (row.first_seen === null || at < row.first_seen) row.first_seen = at;
    if (row.last_seen === null || at > row.last_seen) row.last_seen = at;
  }

  /** Moves every pipeline's counts of an absorbed template onto its absorber; returns those pipelines. */
  absorb(gone: string, into: string): string[] {
    const touched: string[] = [];
    for (const [pipelineId, rows] of this.byPipeline) {
      const row = rows.get(gone);
      if (row === undefined) continue;
      rows.delete(gone);
      const target = rows.get(into);
      if (target === undefined) rows.set(into, { ...row, template_id: into });
      else {
        target.count += row.count;
        target.first_seen = minTime(target.first_seen, row.first_seen);
        target.last_seen = maxTime(target.last_seen, row.last_seen);
      }
      touched.push(pipelineId);
    }
    return touched;
  }

  /** A pipeline's count of a template, or undefined. */
  get(pipelineId: string, templateId: string): PipelineTemplateRow | undefined {
    return this.byPipeline.get(pipelineId)?.get(templateId);
  }

  /** A pipeline's templates with its counts. */
  of(pipelineId: string): Iterable<PipelineTemplateRow> {
    return this.byPipeline.get(pipelineId)?.values() ?? [];
  }

  /** How many templates the pipeline produced for the first time in the window ending at `now`. */
  newIn(pipelineId: string, now: number): number {
    const times = this.firstSightings.get(pipelineId);
    if (times === undefined) return 0;
    const cut = now - this.windowMs;
    let drop = 0;
    while (drop < times.length && times[drop] < cut) drop++;
    if (drop > 0) times.splice(0, drop);
    return times.length;
  }

  private rowsOf(pipelineId: string): Map<string, PipelineTemplateRow> {
    let rows = this.byPipeline.get(pipelineId);
    if (rows === undefined) this.byPipeline.set(pipelineId, (rows = new Map()));
    return rows;
  }
}

function minTime(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function maxTime(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}
