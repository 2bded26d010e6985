/** What an anomaly is about: a finished run, or a point of a metric series. */
export type AnomalyKind = 'execution' | 'metric';
/** Anomaly kinds, for validation. */
export const ANOMALY_KINDS: readonly AnomalyKind[] = ['execution', 'metric'];

/** Anomalies of one pipeline and kind, from the first until things are normal again. */
export interface Incident {
  id: string;
  pipeline_id: string;
  kind: AnomalyKind;
  status: 'open' | 'resolved';
  /** Epoch ms. */
  opened_at: number;
  last_seen_at: number;
  resolved_at: number | null;
  anomaly_count: number;
  max_score: number;
  /** The first anomaly's leading reason. */
  title: string;
}

export interface IncidentOptions {
  /** An open incident with no anomaly for this long is resolved. @default 30 min */
  resolveAfterMs?: number;
  /** Finished runs judged normal in a row that resolve an execution incident. @default 3 */
  resolveAfterNormalRuns?: number;
  newId: () => string;
}

/** What an observation did to the incidents: the one touched (opened or updated) and any resolved. */
export interface IncidentChange {
  incident: Incident | null;
  opened: boolean;
  resolved: Incident[];
}

/**
 * Groups anomalies into incidents: at most one open incident per pipeline and kind; it resolves after
 * a run of normal executions or a quiet period. Pure: ids and times come in.
 */
export class IncidentTracker {
  private readonly open = new Map<string, Incident & { normalRuns: number }>();
  private readonly resolveAfterMs: number;
  private readonly resolveAfterNormal: number;

  constructor(private readonly options: IncidentOptions) {
    this.resolveAfterMs = options.resolveAfterMs ?? 30 * 60_000;
    this.resolveAfterNormal = options.resolveAfterNormalRuns ?? 3;
  }

  /** Takes back incidents still open in the store (after a restart). */
  restore(incidents: readonly Incident[]): void {
    for (const i of incidents)
      if (i.status === 'open') this.open.set(key(i.pipeline_id, i.kind), { ...i, normalRuns: 0 });
  }

  /** An anomaly: joins the open incident of its pipeline and kind, or opens one. */
  onAnomaly(a: {
    pipeline_id: string;
    kind: AnomalyKind;
    time: number;
    score: number;
    title: string;
  }): IncidentChange {
    const resolved = this.expire(a.pipeline_id, a.kind, a.time);
    const k = key(a.pipeline_id, a.kind);
    const current = this.open.get(k);
    if (current !== undefined) {
      current.anomaly_count++;
      current.last_seen_at = Math.max(current.last_seen_at, a.time);
      current.max_score = Math.max(current.max_score, a.score);
      current.normalRuns = 0;
      return { incident: strip(current), opened: false, resolved };
    }
    const incident = {
      id: this.options.newId(),
      pipeline_id: a.pipeline_id,
      kind: a.kind,
      status: 'open' as const,
      opened_at: a.time,
      last_seen_at: a.time,
      resolved_at: null,
      anomaly_count: 1,
      max_score: a.score,
      title: a.title,
      normalRuns: 0,
    };
    this.open.set(k, incident);
    return { incident: strip(incident), opened: true, resolved };
  }

  /**
   * A finished run judged normal: counts toward resolving the pipeline's execution incident. Called
   * for almost every run, so one key look-up, and no new array unless an incident is resolved.
   */
  onNormalRun(pipelineId: string, time: number): readonly Incident[] {
    const current = this.open.get(key(pipelineId, 'execution'));
    if (current === undefined) return NO_INCIDENTS;
    const quiet = this.resolveIfQuiet(current, time);
    if (quiet !== null) return [quiet];
    if (++current.normalRuns >= this.resolveAfterNormal) return [this.resolve(current, time)];
    return NO_INCIDENTS;
  }

  /** Resolves every incident quiet for resolveAfterMs at `now`. */
  sweep(now: number): Incident[] {
    const out: Incident[] = [];
    for (const i of [...this.open.values()]) {
      const quiet = this.resolveIfQuiet(i, now);
      if (quiet !== null) out.push(quiet);
    }
    return out;
  }

  /** Open incidents now. */
  openIncidents(): Incident[] {
    return [...this.open.values()].map(strip);
  }

  private expire(pipelineId: string, kind: AnomalyKind, now: number): Incident[] {
    const current = this.open.get(key(pipelineId, kind));
    const quiet = current === undefined ? null : this.resolveIfQuiet(current, now);
    return quiet === null ? [] : [quiet];
  }

  /** Resolves `i` if it has been quiet for resolveAfterMs at `now` (resolved when that time ran out). */
  private resolveIfQuiet(i: Incident & { normalRuns: number }, now: number): Incident | null {
    return now - i.last_seen_at >= this.resolveAfterMs
      ? this.resolve(i, i.last_seen_at + this.resolveAfterMs)
      : null;
  }

  private resolve(i: Incident & { normalRuns: number }, at: number): Incident {
    this.open.delete(key(i.pipeline_id, i.kind));
    return { ...strip(i), status: 'resolved', resolved_at: at };
  }
}

const NO_INCIDENTS: readonly Incident[] = Object.freeze([]);

function key(pipelineId: string, kind: AnomalyKind): string {
  return `${kind}\u0000${pipelineId}`;
}

function strip(i: Incident & { normalRuns?: number }): Incident {
  const { normalRuns: _n, ...rest } = i;
  return rest;
}
