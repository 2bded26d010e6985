import type { PipelineCatalog, PipelineDirectory, PipelineInfo } from '../ports/index.js';
import type { PastRun, StageInfo } from '../prediction/index.js';
import type { Clock } from '../shared/index.js';

/** What the features need to know about a pipeline besides its runs. */
export interface PipelineContext {
  info: PipelineInfo | null;
  stages: StageInfo[];
  /** When each definition was first seen. */
  versionTimes: number[];
  /** Each definition's stages (possibly none) from when it was first seen, oldest first. */
  definitions: { first_seen_at: number; stages: StageInfo[] }[];
  timeout_seconds: number | null;
}

/** The catalog as prediction reads it. */
export type PredictionCatalog = Pick<PipelineCatalog, 'getPipeline' | 'listVersions'> & PipelineDirectory;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Stages named in a definition's `stages` list (`critical` or `is_critical` flags; default critical). */
function definitionStages(definition: Record<string, unknown> | undefined): StageInfo[] {
  const list = definition !== undefined && Array.isArray(definition.stages) ? definition.stages : [];
  return list.filter(isObject).flatMap((s) => {
    const name = typeof s.name === 'string' ? s.name : typeof s.id === 'string' ? s.id : null;
    if (name === null) return [];
    const flag = typeof s.is_critical === 'boolean' ? s.is_critical : s.critical;
    return [{ name, is_critical: typeof flag === 'boolean' ? flag : true }];
  });
}

/**
 * Pipeline metadata for the features, read from the catalog and kept for `ttlMs` so scoring a run
 * costs no query most of the time. Stages come from the reported stage rows, else the definition,
 * else the stage names seen in the pipeline's runs.
 */
export class PipelineContexts {
  private readonly cache = new Map<string, { at: number; ctx: PipelineContext }>();

  constructor(
    private readonly catalog: PredictionCatalog,
    private readonly clock: Clock,
    private readonly ttlMs = 60_000,
  ) {}

  /** The cached context, if any (no query; for the latency-bound predict path). */
  peek(pipelineId: string): PipelineContext | null {
    return this.cache.get(pipelineId)?.ctx ?? null;
  }

  async get(pipelineId: string, runs: readonly PastRun[] = []): Promise<PipelineContext> {
    const hit = this.cache.get(pipelineId);
    if (hit !== undefined && this.clock.now() - hit.at < this.ttlMs) return hit.ctx;
    const [info, stageRows, versions] = await Promise.all([
      this.catalog.getPipeline(pipelineId),
      this.catalog.listStages(pipelineId),
      this.catalog.listVersions(pipelineId),
    ]);
    let stages: StageInfo[] = stageRows.map((s) => ({ name: s.name, is_critical: s.is_critical }));
    if (stages.length === 0) stages = definitionStages(info?.definition);
    if (stages.length === 0) stages = new StageTimeline([], runs).at(Infinity);
    const ctx: PipelineContext = {
      info,
      stages,
      versionTimes: versions.map((v) => v.first_seen_at),
      definitions: versions
        .map((v) => ({ first_seen_at: v.first_seen_at, stages: definitionStages(v.definition) }))
        .sort((a, b) => a.first_seen_at - b.first_seen_at),
      timeout_seconds: info?.timeout_seconds ?? null,
    };
    this.cache.set(pipelineId, { at: this.clock.now(), ctx });
    return ctx;
  }
}

/**
 * A pipeline's stage list as it was known at a past time, for training rows (a row sees only what was
 * known when its run started): the stages of the definition in effect then (the newest first seen by
 * then) when it names any, else the stages seen in the runs finished by then (critical, as the
 * definition would default). Never the current stage rows, which tell of now.
 */
export class StageTimeline {
  /** Stage names in the order their first run finished, and when. */
  private readonly firstSeen: { at: number; name: string }[] = [];
  private readonly byCount = new Map<number, StageInfo[]>();

  constructor(
    private readonly definitions: PipelineContext['definitions'],
    runs: readonly PastRun[],
  ) {
    const seen = new Set<string>();
    for (const r of [...runs].sort((a, b) => a.completed_at - b.completed_at)) {
      for (const s of r.stages) {
        if (seen.has(s.name)) continue;
        seen.add(s.name);
        this.firstSeen.push({ at: r.completed_at, name: s.name });
      }
    }
  }

  /** The stages known at `time` (a run finishing at `time` is not yet known). */
  at(time: number): StageInfo[] {
    const definition = lastAtOrBefore(this.definitions, time, (d) => d.first_seen_at);
    if (definition !== undefined && definition.stages.length > 0) return definition.stages;
    let n = 0;
    while (n < this.firstSeen.length && this.firstSeen[n].at < time) n++;
    let stages = this.byCount.get(n);
    if (stages === undefined) {
      stages = this.firstSeen.slice(0, n).map(({ name }) => ({ name, is_critical: true }));
      this.byCount.set(n, stages);
    }
    return stages;
  }
}

/** The last item of `sorted` (ascending by `key`) whose key is ≤ `time`. */
function lastAtOrBefore<T>(sorted: readonly T[], time: number, key: (t: T) => number): T | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(sorted[mid]) <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : sorted[lo - 1];
}
