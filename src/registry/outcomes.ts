import type { ModelKind, ModelOutcomes, ScoredOutcome } from '../ports/index.js';

/** One ModelOutcomes over the sources of each kind; a kind without a source has no outcomes. */
export function outcomesByKind(sources: Partial<Record<ModelKind, ModelOutcomes>>): ModelOutcomes {
  return {
    scoredOutcomes(kind, modelVersions, since): Promise<ScoredOutcome[]> {
      const source = sources[kind];
      return source === undefined ? Promise.resolve([]) : source.scoredOutcomes(kind, modelVersions, since);
    },
  };
}
