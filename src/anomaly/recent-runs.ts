import { buildBaselines, type BaselineSet } from './baseline.js';
import { FEATURES, hourOfRow } from './features.js';

// One ring per UTC hour of day, and one for runs whose time is unknown.
const RINGS = 25;
const WIDTH = FEATURES.length;

/** One hour's runs, row after row in one array (grown by doubling up to `perHour` rows). */
interface Ring {
  data: Float64Array;
  /** Rows held (at most perHour); row k is data[k * WIDTH, (k + 1) * WIDTH). */
  rows: number;
  /** The row the next run takes once the ring is full (its oldest). */
  next: number;
}

/**
 * The most recent normal runs of each pipeline, from which the baselines are recomputed without
 * reading the store again. Runs are kept per UTC hour of day (a fixed ring of `perHour` per hour), so
 * every hour stays represented and a daily pattern can be seen however often the pipeline runs.
 * Memory: at most 25 × `perHour` rows of FEATURES.length doubles per pipeline.
 */
export class RecentRuns {
  private readonly pipelines = new Map<string, (Ring | undefined)[]>();

  constructor(private readonly perHour = 24) {}

  /** Remembers a copy of a run's features; the oldest run of its hour leaves when that ring is full. */
  add(pipelineId: string, features: Float64Array): void {
    let rings = this.pipelines.get(pipelineId);
    if (rings === undefined) {
      rings = new Array<Ring | undefined>(RINGS).fill(undefined);
      this.pipelines.set(pipelineId, rings);
    }
    const hour = hourOfRow(features);
    const index = hour === null ? RINGS - 1 : Math.floor(hour);
    let ring = rings[index];
    if (ring === undefined) rings[index] = ring = { data: new Float64Array(WIDTH), rows: 0, next: 0 };
    let row: number;
    if (ring.rows < this.perHour) {
      row = ring.rows++;
      if (ring.rows * WIDTH > ring.data.length) {
        const grown = new Float64Array(Math.min(this.perHour, 2 * row) * WIDTH);
        grown.set(ring.data);
        ring.data = grown;
      }
    } else row = ring.next;
    // A full ring overwrites its oldest row in place: no allocation per run once the rings are full.
    const data = ring.data;
    const at = row * WIDTH;
    for (let i = 0; i < WIDTH; i++) data[at + i] = features[i];
    ring.next = (ring.next + 1) % this.perHour;
  }

  /** Baselines of every pipeline (and the fleet) over the runs held. */
  baselines(computedAt: number): BaselineSet {
    const rows: { pipeline_id: string; features: Float64Array }[] = [];
    for (const [pipeline_id, rings] of this.pipelines)
      for (const ring of rings) {
        if (ring === undefined) continue;
        for (let k = 0; k < ring.rows; k++)
          rows.push({ pipeline_id, features: ring.data.subarray(k * WIDTH, (k + 1) * WIDTH) });
      }
    return buildBaselines(rows, computedAt);
  }
}
