import { buildBaselines, type BaselineSet } from './baseline.js';
import { FEATURES } from './features.js';

/**
 * The most recent normal runs of each pipeline (feature vectors in a fixed ring per pipeline), from
 * which the baselines are recomputed without reading the store again. Memory: `perPipeline` rows of
 * FEATURES.length doubles per pipeline.
 */
export class RecentRuns {
  private readonly rings = new Map<string, { rows: Float64Array[]; next: number }>();

  constructor(private readonly perPipeline = 256) {}

  /** Remembers a copy of a run's features; the pipeline's oldest run leaves when its ring is full. */
  add(pipelineId: string, features: Float64Array): void {
    let ring = this.rings.get(pipelineId);
    if (ring === undefined) this.rings.set(pipelineId, (ring = { rows: [], next: 0 }));
    const copy = Float64Array.from(features.subarray(0, FEATURES.length));
    if (ring.rows.length < this.perPipeline) ring.rows.push(copy);
    else ring.rows[ring.next] = copy;
    ring.next = (ring.next + 1) % this.perPipeline;
  }

  /** Baselines of every pipeline (and the fleet) over the runs held. */
  baselines(computedAt: number): BaselineSet {
    const rows: { pipeline_id: string; features: Float64Array }[] = [];
    for (const [pipeline_id, ring] of this.rings)
      for (const features of ring.rows) rows.push({ pipeline_id, features });
    return buildBaselines(rows, computedAt);
  }
}
