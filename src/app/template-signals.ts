import type { PipelineHealthSummary, PipelineSnapshot } from '../monitoring/index.js';
import type { LogMiningService } from './log-mining.js';

/** The monitoring queries the HTTP layer reads. */
export interface SnapshotSource {
  snapshot(pipelineId: string): PipelineSnapshot | undefined;
  sampledEvents(pipelineId: string): number | undefined;
  list(opts: { limit: number; offset: number }): { items: PipelineHealthSummary[]; total: number };
  stats(): { pipelines: number; windowedEvents: number };
}

/** A pipeline snapshot with the log signal the engine does not see: templates new to the pipeline. */
export type SnapshotWithTemplates = PipelineSnapshot & {
  signals: PipelineSnapshot['signals'] & {
    new_log_templates: { count: number; per_hour: number };
  };
};

/**
 * The engine's answers with `signals.new_log_templates` added to each snapshot: how many templates
 * the pipeline printed for the first time in the window (a changed or newly failing pipeline prints
 * lines it never printed before).
 */
export function withTemplateSignals(
  engine: SnapshotSource,
  mining: Pick<LogMiningService, 'newTemplateSignal'>,
): SnapshotSource & { snapshot(pipelineId: string): SnapshotWithTemplates | undefined } {
  return {
    snapshot(pipelineId) {
      const snap = engine.snapshot(pipelineId);
      if (snap === undefined) return undefined;
      return {
        ...snap,
        signals: { ...snap.signals, new_log_templates: mining.newTemplateSignal(pipelineId) },
      };
    },
    sampledEvents: (pipelineId) => engine.sampledEvents(pipelineId),
    list: (opts) => engine.list(opts),
    stats: () => engine.stats(),
  };
}
