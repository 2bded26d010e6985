import { buildBaselines, type BaselineSet } from './baseline.js';
import { FEATURES, hourOfRow } from './features.js';

// One ring per UTC hour of day, and one for runs whose time is unknown.
const RINGS = 25;

interface Ring {
  rows: Float64Array[];
  next: number;
}

/**
 * The most recent normal runs of each pipeline, from which the baselines are recomputed without
 * reading the store again. Runs are kept per UTC hour of day (a fixed ring of `perHour` per hour), so
 * every hour stays represented and a daily pattern can be seen however often the pipeline runs.
 * Memory: at most 25 × `perHour` rows of FEATURES.length doubles per pipeline.
 */
export class RecentRuns {
  private readonly pipelines = new Map<string, Ring[]>();

  constructor(private readonly perHour = 24) {}

  /** Remembers a copy of a run's features; the oldest run of its hour leaves when that ring is full. */
  add(pipelineId: string, features: Float64Array): void {
    let rings = this.pipelines.get(pipelineId);
    if (rings === undefined) {
      rings = Array.from({ length: RINGS }, () => ({ rows: [], next: 0 }));
      this.pipelines.set(pipelineId, rings);
    }
    const hour = hourOfRow(features);
    const ring = rings[hour === null ? RINGS - 1 : Math.floor(hour)];
    // A full ring overwrites its oldest row in place: no allocation per run once the rings are full.
    if (ring.rows.length < this.perHour) ring.rows.push(features.slice(0, FEATURES.length));
    else {
      const row = ring.rows[ring.next];
      for (let i = 0; i < row.length; i++) row[i] = features[i];
    }
    ring.next = (ring.next + 1) % this.perHour;
  }

  /** Baselines of every pipeline (and the fleet) over the runs held. */
  baselines(computedAt: number): BaselineSet {
    const rows: { pipeline_id: string; features: Float64Array }[] = [];
    for (const [pipeline_id, rings] of this.pipelines)
      for (const ring of rings) for (const features of ring.rows) rows.push({ pipeline_id, features });
    return buildBaselines(rows, computedAt);
  }
}
