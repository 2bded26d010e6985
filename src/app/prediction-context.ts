import type { PipelineCatalog, PipelineDirectory, PipelineInfo } from '../ports/index.js';
import type { PastRun, StageInfo } from '../prediction/index.js';
import type { Clock } from '../shared/index.js';

/** What the features need to know about a pipeline besides its runs. */
export interface PipelineContext {
  info: PipelineInfo | null;
  stages: StageInfo[];
  /** When each definition was first seen. */
  versionTimes: number[];
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
    if (stages.length === 0) {
      const names = new Set<string>();
      for (const r of runs) for (const s of r.stages) names.add(s.name);
      stages = [...names].map((name) => ({ name, is_critical: true }));
    }
    const ctx: PipelineContext = {
      info,
      stages,
      versionTimes: versions.map((v) => v.first_seen_at),
      timeout_seconds: info?.timeout_seconds ?? null,
    };
    this.cache.set(pipelineId, { at: this.clock.now(), ctx });
    return ctx;
  }
}
